#!/usr/bin/env python3
"""Real neural-network weights as safetensors, for evaluating a lossless tensor compressor.

    make_tensors.py extract WHEELS_DIR REPO_ROOT OUT_DIR   # writes *-f32 / *-bf16 .safetensors
    make_tensors.py measure OUT_DIR                         # writes stats.md and stats.tsv

Sources (weights as their packages ship them; nothing is downloaded here, make-tensors.sh
fetches the pinned wheels):
  * silero-vad 6.2.3 (PyPI, MIT): silero_vad/data/silero_vad_16k.safetensors, the 16 kHz
    voice-activity detector (STFT conv, 4 conv layers, LSTM cell, head), float32.
  * rapidocr-onnxruntime 1.4.4 (PyPI, Apache-2.0): PaddleOCR's PP-OCRv4 mobile models,
    rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx (DBNet text detector, PP-LCNetV3
    conv backbone) and ch_PP-OCRv4_rec_infer.onnx (SVTR-LCNet text recogniser: conv backbone,
    transformer blocks, 6625-way CTC head). Their parameters are ONNX Constant nodes carrying
    Paddle's parameter names (conv2d_0.w_0, batch_norm_0.w_1, linear_85.b_0, ...); those are
    kept, the paddle2onnx helper constants (p2o.*) and int fill_constant shapes are not.
  * ncodec's own shipped weights: models/weights/image-1.nciw (NCIW v1, see
    codec/src/runtime/image_ae.rs) and models/weights/speech-1.ncsw (NCSW v1, see
    codec/src/codecs/speech/model.rs), one tensor per layer, integer tables as U32.

Each model is written twice: `<name>-f32.safetensors` (the original tensors) and
`<name>-bf16.safetensors` (float32 tensors cast to bfloat16, round to nearest even, NaN kept
a quiet NaN; integer tensors unchanged). Tensors are laid out in the model's own order (the
order of the source file), and every file carries __metadata__ naming its source.
"""

import hashlib
import json
import lzma
import math
import os
import struct
import sys
import zipfile

import numpy as np

# --------------------------------------------------------------------------- safetensors

_DTYPES = {  # numpy dtype -> safetensors dtype
    np.dtype("<f4"): "F32",
    np.dtype("<u4"): "U32",
    np.dtype("<i4"): "I32",
    np.dtype("<i8"): "I64",
    np.dtype("<u2"): "BF16",  # only ever used for bf16 bit patterns here
}
_SIZES = {"F32": 4, "U32": 4, "I32": 4, "I64": 8, "BF16": 2, "F16": 2, "F64": 8, "U16": 2,
          "I16": 2, "U8": 1, "I8": 1, "BOOL": 1}


def write_safetensors(path, tensors, metadata):
    """`tensors`: list of (name, array) in file order; uint16 arrays are written as BF16."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    offset = 0
    blobs = []
    for name, a in tensors:
        le = a.dtype.newbyteorder("<")
        dtype = _DTYPES[le]
        raw = np.ascontiguousarray(a, dtype=le).tobytes()
        assert name not in header, name
        header[name] = {"dtype": dtype, "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """Returns (metadata, [(name, dtype, shape, raw bytes)]) in data order."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    items = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])
    out = []
    for name, h in items:
        b, e = h["data_offsets"]
        assert e - b == math.prod(h["shape"]) * _SIZES[h["dtype"]], name
        out.append((name, h["dtype"], h["shape"], body[b:e]))
    return meta, out


def to_bf16_bits(a):
    """float32 -> bfloat16 bit patterns (uint16), round to nearest, ties to even."""
    u = np.ascontiguousarray(a, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    nan = (u & 0x7FFFFFFF) > 0x7F800000
    quiet = (u >> 16) | 0x0040  # keep sign and top payload bits, force a quiet NaN
    return np.where(nan, quiet, rounded).astype("<u2").reshape(np.shape(a))


def write_pair(out_dir, name, tensors, metadata):
    for t in tensors:
        assert t[1].dtype in (np.float32, np.uint32, np.int32, np.int64), (t[0], t[1].dtype)
    f32 = [(n, a.astype("<f4") if a.dtype == np.float32 else a) for n, a in tensors]
    write_safetensors(os.path.join(out_dir, f"{name}-f32.safetensors"), f32,
                      dict(metadata, dtype="float32 as shipped"))
    bf16 = [(n, to_bf16_bits(a) if a.dtype == np.float32 else a) for n, a in tensors]
    write_safetensors(os.path.join(out_dir, f"{name}-bf16.safetensors"), bf16,
                      dict(metadata, dtype="bfloat16 (from float32, round to nearest even)"))
    floats = sum(a.size for _, a in tensors if a.dtype == np.float32)
    ints = sum(a.size for _, a in tensors if a.dtype != np.float32)
    print(f"{name}: {len(tensors)} tensors, {floats} float values, {ints} integer values")


# --------------------------------------------------------------------------- sources

def sha256(data):
    return hashlib.sha256(data).hexdigest()


def wheel_member(wheels, wheel, member):
    with zipfile.ZipFile(os.path.join(wheels, wheel)) as z:
        return z.read(member)


def silero(wheels, out):
    wheel, member = "silero_vad-6.2.3-py3-none-any.whl", "silero_vad/data/silero_vad_16k.safetensors"
    data = wheel_member(wheels, wheel, member)
    tmp = os.path.join(out, ".silero.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    _, items = read_safetensors(tmp)
    os.remove(tmp)
    tensors = []
    for name, dtype, shape, raw in items:
        assert dtype == "F32", (name, dtype)
        tensors.append((name, np.frombuffer(raw, "<f4").reshape(shape)))
    write_pair(out, "silero-vad-16k", tensors, {
        "source": f"PyPI silero-vad 6.2.3: {member}", "licence": "MIT (Silero Team)",
        "source_sha256": sha256(data),
        "model": "Silero VAD v6 16 kHz voice-activity detector"})


def paddle_onnx(wheels, out, member, name, model):
    import onnx
    from onnx import numpy_helper
    wheel = "rapidocr_onnxruntime-1.4.4-py3-none-any.whl"
    data = wheel_member(wheels, wheel, member)
    g = onnx.load_from_string(data).graph
    assert not g.initializer
    tensors = []
    for node in g.node:
        if node.op_type != "Constant":
            continue
        (attr,) = node.attribute
        assert attr.name == "value"
        a = numpy_helper.to_array(attr.t)
        pname = node.output[0]
        if pname.startswith("p2o.") or a.dtype != np.float32:
            continue  # paddle2onnx helper constants, int shapes of fill_constant
        tensors.append((pname, a))
    write_pair(out, name, tensors, {
        "source": f"PyPI rapidocr-onnxruntime 1.4.4: {member} (ONNX Constant parameters)",
        "licence": "Apache-2.0 (RapidOCR; PaddleOCR models)", "source_sha256": sha256(data),
        "model": model})


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        assert self.pos + n <= len(self.data), "file ends early"
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u16s(self, n):
        return list(struct.unpack(f"<{n}H", self.take(2 * n)))

    def f32(self, *shape):
        return np.frombuffer(self.take(4 * math.prod(shape)), "<f4").reshape(shape).copy()

    def u32(self, *shape):
        return np.frombuffer(self.take(4 * math.prod(shape)), "<u4").reshape(shape).copy()


def check_xxh3(data):
    import xxhash
    body, stored = data[:-8], struct.unpack("<Q", data[-8:])[0]
    assert xxhash.xxh3_64_intdigest(body) == stored, "checksum mismatch"
    return f"{stored:016x}"


def ncodec_image(root, out, level=1):
    path = os.path.join(root, "models", "weights", f"image-{level}.nciw")
    data = open(path, "rb").read()
    model_hash = check_xxh3(data)
    r = Reader(data[:-8])
    assert r.take(4) == b"NCIW" and r.take(4) == b"\x01\0\0\0"
    c, m, rng, zero = r.u16s(4)
    assert zero == 0
    k = 5
    t = []
    for i, (cin, cout) in enumerate([(3, c), (c, c), (c, c), (c, m)]):
        t += [(f"analysis.{i}.weight", r.f32(cout, cin, k, k)), (f"analysis.{i}.bias", r.f32(cout))]
    for i in range(3):
        t += [(f"analysis_gdn.{i}.gamma", r.f32(c, c)), (f"analysis_gdn.{i}.beta", r.f32(c))]
    for i, (cin, cout) in enumerate([(m, c), (c, c), (c, c), (c, 3)]):
        t += [(f"synthesis.{i}.weight", r.f32(cin, cout, k, k)), (f"synthesis.{i}.bias", r.f32(cout))]
    for i in range(3):
        t += [(f"synthesis_igdn.{i}.gamma", r.f32(c, c)), (f"synthesis_igdn.{i}.beta", r.f32(c))]
    prior = r.u32(m, 2 * rng + 1)
    assert (prior.sum(axis=1, dtype=np.uint64) == 1 << 24).all() and (prior >= 1).all()
    t.append(("prior", prior))
    assert r.pos == len(r.data), "trailing bytes"
    write_pair(out, f"ncodec-image-{level}", t, {
        "source": f"ncodec models/weights/image-{level}.nciw (NCIW v1)", "source_sha256": sha256(data),
        "model_hash_xxh3": model_hash, "channels": c, "latent": m, "range": rng,
        "layout": "analysis conv [out][in][5][5]; synthesis transposed conv [in][out][5][5]; "
                  "prior [latent][2*range+1] u32 frequencies summing to 2^24"})


def ncodec_speech(root, out, level=1):
    path = os.path.join(root, "models", "weights", f"speech-{level}.ncsw")
    data = open(path, "rb").read()
    model_hash = check_xxh3(data)
    r = Reader(data[:-8])
    assert r.take(4) == b"NCSW" and r.take(4) == b"\x01\0\0\0"
    features, block, hidden, latent, levels, pitch_steps, pitch_delta, context = r.u16s(8)
    assert features == 17  # LPC order 16 + log level (codec/src/codecs/speech/features.rs)
    inputs = features * block
    t = [("normalise.mean", r.f32(features)), ("normalise.deviation", r.f32(features))]
    layers = [(inputs, hidden), (hidden, hidden), (hidden, latent),
              (latent * (2 * context + 1), hidden), (hidden, hidden), (hidden, inputs)]
    for i, (cin, cout) in enumerate(layers):
        part, j = ("encoder", i) if i < 3 else ("decoder", i - 3)
        t += [(f"{part}.{j}.weight", r.f32(cout, cin)), (f"{part}.{j}.bias", r.f32(cout))]
    # PitchQuantizer::count with F0 50..500 Hz: round(log2(10) * steps) + 1 (f32 in Rust).
    pitch_count = int(np.round(np.float32(np.log2(np.float32(10.0))) * np.float32(pitch_steps))) + 1
    contexts = (levels + 1) ** 2
    t.append(("tables.codes", r.u32(latent, contexts, levels)))
    t.append(("tables.pitch_absolute", r.u32(1 + pitch_count)))
    t.append(("tables.pitch_delta", r.u32(1 + 2 * pitch_delta + 1 + 1)))
    assert r.pos == len(r.data), "trailing bytes"
    write_pair(out, f"ncodec-speech-{level}", t, {
        "source": f"ncodec models/weights/speech-{level}.ncsw (NCSW v1)", "source_sha256": sha256(data),
        "model_hash_xxh3": model_hash, "features": features, "block": block, "hidden": hidden,
        "latent": latent, "levels": levels, "pitch_steps": pitch_steps,
        "pitch_delta": pitch_delta, "context": context,
        "layout": "dense weights [out][in]; tables.codes [latent][(levels+1)^2 contexts][levels] u32 counts"})


def extract(wheels, root, out):
    os.makedirs(out, exist_ok=True)
    silero(wheels, out)
    paddle_onnx(wheels, out, "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
                "ppocrv4-det", "PaddleOCR PP-OCRv4 mobile text detector (DBNet, PP-LCNetV3)")
    paddle_onnx(wheels, out, "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx",
                "ppocrv4-rec", "PaddleOCR PP-OCRv4 mobile text recogniser (SVTR-LCNet, CTC)")
    ncodec_image(root, out)
    ncodec_speech(root, out)


# --------------------------------------------------------------------------- measure

def entropy(values, bins):
    counts = np.bincount(values, minlength=bins).astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum())


def measure(out):
    import brotli
    import zstandard
    rows = []
    for fname in sorted(os.listdir(out)):
        if not fname.endswith(".safetensors"):
            continue
        path = os.path.join(out, fname)
        data = open(path, "rb").read()
        _, items = read_safetensors(path)
        exps, floats = [], 0
        for _, dtype, _, raw in items:
            if dtype == "F32":
                exps.append((np.frombuffer(raw, "<u4") >> 23) & 0xFF)
            elif dtype == "BF16":
                exps.append((np.frombuffer(raw, "<u2") >> 7) & 0xFF)
        e = np.concatenate(exps).astype(np.int64)
        z = len(zstandard.ZstdCompressor(level=19).compress(data))
        x = len(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))
        b = len(brotli.compress(data, quality=11, lgwin=24))
        rows.append((fname, len(data), e.size, z, x, b, entropy(e, 256)))
        print(fname, rows[-1][1:], flush=True)
    with open(os.path.join(out, "stats.tsv"), "w") as f:
        f.write("file\tbytes\tfloat_values\tzstd19\txz9e\tbrotli11_w24\texponent_entropy_bits\n")
        for r in rows:
            f.write("\t".join(map(str, r[:6])) + f"\t{r[6]:.4f}\n")
    with open(os.path.join(out, "stats.md"), "w") as f:
        f.write("| file | bytes | float values | zstd -19 | xz -9e | brotli q11 w24 | "
                "exponent entropy (bits/value) |\n|---|--:|--:|--:|--:|--:|--:|\n")
        for n, size, vals, z, x, b, h in rows:
            pct = lambda c: f"{c} ({100 * c / size:.1f}%)"
            f.write(f"| {n} | {size} | {vals} | {pct(z)} | {pct(x)} | {pct(b)} | {h:.4f} |\n")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "extract" and len(sys.argv) == 5:
        extract(*sys.argv[2:])
    elif cmd == "measure" and len(sys.argv) == 3:
        measure(sys.argv[2])
    else:
        sys.exit(__doc__)
