"""Reference MS-SSIM for the fixture of `evals/src/images/metrics.rs`.

A float64 NumPy port of pytorch_msssim 1.0.0 `ms_ssim(X, Y, data_range=255)` (the
implementation CompressAI reports; torch itself is not needed), cross-checked at scale 0
against scikit-image's structural_similarity. Run: pip install numpy scipy scikit-image;
python3 evals/reference/ms_ssim_reference.py
"""
import numpy as np
from skimage.metrics import structural_similarity

W, H = 200, 170

def fixture():
    state = 12345
    orig = np.zeros((H, W, 3), dtype=np.int64)
    for y in range(H):
        for x in range(W):
            for c in range(3):
                state = (state * 1664525 + 1013904223) % 2**32
                n = state >> 24
                base = (x * (3 + c) + y * (5 - c) + ((x // 7) * (y // 5)) % 64) % 256
                orig[y, x, c] = min(max(base + n % 32 - 16, 0), 255)
    dist = np.zeros_like(orig)
    for y in range(H):
        for x in range(W):
            for c in range(3):
                state = (state * 1664525 + 1013904223) % 2**32
                n = state >> 24
                dist[y, x, c] = min(max(orig[y, x, c] + n % 51 - 25 + x // 50, 0), 255)
    return orig, dist

def gauss():
    coords = np.arange(11, dtype=np.float64) - 5
    g = np.exp(-(coords ** 2) / (2 * 1.5 ** 2))
    return g / g.sum()

def filt(img, g):  # valid separable correlation, rows then columns
    h, w = img.shape
    out = np.stack([np.convolve(img[:, j], g[::-1], mode="valid") for j in range(w)], axis=1)
    out = np.stack([np.convolve(out[i, :], g[::-1], mode="valid") for i in range(out.shape[0])], axis=0)
    return out

def ssim_cs(x, y, g):
    C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu1, mu2 = filt(x, g), filt(y, g)
    s11 = filt(x * x, g) - mu1 ** 2
    s22 = filt(y * y, g) - mu2 ** 2
    s12 = filt(x * y, g) - mu1 * mu2
    cs = (2 * s12 + C2) / (s11 + s22 + C2)
    ssim = (2 * mu1 * mu2 + C1) / (mu1 ** 2 + mu2 ** 2 + C1) * cs
    return ssim.mean(), cs.mean()

def pool(img):  # torch avg_pool2d(kernel 2, padding = size % 2, count_include_pad=True)
    h, w = img.shape
    ph, pw = h % 2, w % 2
    p = np.pad(img, ((ph, ph), (pw, pw)))
    oh, ow = (h + 2 * ph - 2) // 2 + 1, (w + 2 * pw - 2) // 2 + 1
    p = p[: 2 * oh, : 2 * ow]
    return (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2]) / 4

def ms_ssim_channel(x, y):
    wts = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    g = gauss()
    val = 1.0
    for i, w in enumerate(wts):
        s, cs = ssim_cs(x, y, g)
        if i < 4:
            val *= max(cs, 0) ** w
            x, y = pool(x), pool(y)
        else:
            val *= max(s, 0) ** w
    return val

orig, dist = fixture()
o, d = orig.astype(np.float64), dist.astype(np.float64)
g = gauss()
for c in range(3):
    mine = ssim_cs(o[:, :, c], d[:, :, c], g)[0]
    sk = structural_similarity(o[:, :, c], d[:, :, c], gaussian_weights=True, sigma=1.5,
                               use_sample_covariance=False, data_range=255)
    print(f"channel {c}: ssim numpy {mine:.6f} skimage {sk:.6f}")
per = [ms_ssim_channel(o[:, :, c], d[:, :, c]) for c in range(3)]
ms = float(np.mean(per))
mse = float(np.mean((o - d) ** 2))
print("per-channel ms-ssim", per)
print(f"ms_ssim {ms:.6f}  db {-10*np.log10(1-ms):.4f}  psnr {10*np.log10(255**2/mse):.6f}")
print("sums", int(orig.sum()), int(dist.sum()))
