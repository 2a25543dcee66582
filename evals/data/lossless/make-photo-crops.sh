#!/usr/bin/env bash
# Rebuild the 768x512 photo set of `ncodec eval image --lossless` (README, "Lossless images").
#
# Usage: make-photo-crops.sh OUT_DIR IMAGE_DIR
#   OUT_DIR    where the PNG crops go (e.g. data-cache/lossless-images)
#   IMAGE_DIR  the output of shared/data/image.sh (e.g. data-cache/image)
#
# The 30 photos of IMAGE_DIR/train with a side >= 768 px that are real photos: the 18 CLIC 2025
# photos (Unsplash License) and the 12 mate-backgrounds nature photos (GPL-2+ package). Each is
# scaled (Pillow, Lanczos) so that it covers 768x512 and cropped at the centre: the size of the
# Kodak set, made as Kodak's were, from larger originals. The lossless codec's only trained part,
# its mixture prior (`ncodec train limg`), learns from the BSDS500 photos of the train split alone,
# so none of these photos is in its training data.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUT_DIR IMAGE_DIR" >&2; exit 2; }
out=$1
images=$2
mkdir -p "$out"
venv="$(dirname "$out")/.venv-photo-crops"  # beside OUT_DIR, so that no file of it is taken for a photo
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "pillow==11.3.0"
"$venv/bin/python" - "$out" "$images/train" <<'PY'
import pathlib, sys
from PIL import Image
out, train = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
sources = sorted(p for p in train.iterdir() if p.name.startswith(("clic2025-unsplash__", "mate-backgrounds__")))
count = 0
for path in sources:
    img = Image.open(path).convert("RGB")
    w, h = img.size
    if w < 768 or h < 512:
        continue
    scale = max(768 / w, 512 / h)
    size = (max(768, round(w * scale)), max(512, round(h * scale)))
    img = img.resize(size, Image.LANCZOS)
    left, top = (size[0] - 768) // 2, (size[1] - 512) // 2
    img.crop((left, top, left + 768, top + 512)).save(out / (path.stem + ".png"))
    count += 1
print(f"wrote {count} photos of 768x512 to {out}")
PY
