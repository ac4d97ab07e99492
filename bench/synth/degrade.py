"""Photographs a rendered label in software: background, camera pose, bottle curvature, light,
optics, sensor and JPEG, keeping track of where every row lands in the final image.

Geometry runs label -> cylinder (curved label, seen from the front) -> camera homography
(rotation, tilt, perspective, scale, placement). Both steps are invertible in closed form, so
the image is warped with one remap and row boxes are mapped forward exactly.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from bench.synth.content import Rng, chance, pick, uniform_range, weighted

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
Box = tuple[float, float, float, float]
Point = tuple[float, float]
Corners = tuple[Point, Point, Point, Point]

LEVELS = (("mild", 0.25), ("moderate", 0.50), ("hard", 0.25))
_SEVERITY = {"mild": (0.0, 0.3), "moderate": (0.3, 0.7), "hard": (0.7, 1.0)}
# Output long side in px (upper bound exclusive): worse photos are also smaller ones.
_LONG_SIDE = {"mild": (2000, 4001), "moderate": (1400, 3601), "hard": (1000, 3001)}
BACKGROUNDS = ("wood", "fabric", "gradient", "speckle")
# A cylinder's far edges recede from the camera and look shorter by this much per (1 - cos).
_DEPTH = 0.25
# The label is rendered so the camera shrinks it slightly: downsampling looks like optics.
TARGET_SCALE = 0.9


@dataclass(frozen=True)
class PhotoParams:
    level: str
    severity: float
    long_side: int
    aspect: float  # long / short side of the frame
    match_orientation: bool  # frame orientation follows the label's
    fill: float  # share of the frame the label spans
    offset: tuple[float, float]  # where the label sits in the spare room, 0..1
    rotation_deg: float
    tilt_x_deg: float
    tilt_y_deg: float
    focal: float  # focal length in label lengths (smaller = stronger perspective)
    curve_half_angle: float  # radians of bottle the label wraps on each side; 0 = flat
    curve_bend: float  # camera above/below the label's middle bends its lines
    curve_light: float  # darkening toward the bottle's edges
    background: str
    drop_shadow: float
    shadow: float
    shadow_angle: float
    shadow_offset: float
    shadow_soft: float
    glare: float
    glare_center: tuple[float, float]  # in label fractions
    glare_axes: tuple[float, float]  # in label-width fractions
    glare_angle: float
    vignette: float
    blur_rel: float  # Gaussian sigma as a share of the x-height
    motion_rel: float  # motion blur length as a share of the x-height
    motion_angle: float
    noise: float  # sensor noise sigma, 0..255
    brightness: float
    contrast: float
    gamma: float
    white_balance: tuple[float, float, float]
    jpeg_quality: int

    def record(self) -> dict[str, object]:
        return {k: _rounded(v) for k, v in asdict(self).items()}


def _rounded(v: object) -> object:
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, tuple | list):
        return [_rounded(x) for x in v]
    return v


def _sym(rng: Rng, amplitude: float) -> float:
    return uniform_range(rng, -amplitude, amplitude)


def sample_params(rng: Rng) -> PhotoParams:
    """Camera, light and sensor settings; severity 0..1 scales how much goes wrong."""
    level = weighted(rng, LEVELS)
    s = uniform_range(rng, *_SEVERITY[level])
    glare_p = {"mild": 0.15, "moderate": 0.45, "hard": 0.75}[level]
    curved = chance(rng, {"mild": 0.25, "moderate": 0.5, "hard": 0.7}[level])
    tall_glare = curved or chance(rng, 0.3)  # bottles reflect a vertical streak
    axes = (uniform_range(rng, 0.05, 0.12), uniform_range(rng, 0.25, 0.6))
    if not tall_glare:
        axes = (uniform_range(rng, 0.1, 0.3), uniform_range(rng, 0.06, 0.2))
    return PhotoParams(
        level=level,
        severity=s,
        long_side=int(rng.integers(*_LONG_SIDE[level])),
        aspect=pick(rng, (4 / 3, 4 / 3, 16 / 9, 1.0)),
        match_orientation=chance(rng, 0.85),
        fill=uniform_range(rng, 0.62 - 0.2 * s, 0.92 - 0.12 * s),
        offset=(uniform_range(rng, 0.15, 0.85), uniform_range(rng, 0.15, 0.85)),
        rotation_deg=_sym(rng, min(10.0, 2.0 + 8.0 * s)),
        tilt_x_deg=_sym(rng, 4.0 + 18.0 * s),
        tilt_y_deg=_sym(rng, 4.0 + 18.0 * s),
        focal=uniform_range(rng, 1.0, 2.2),
        curve_half_angle=uniform_range(rng, 0.25, 0.5 + 0.6 * s) if curved else 0.0,
        curve_bend=_sym(rng, 0.15),
        curve_light=uniform_range(rng, 0.15, 0.5),
        background=pick(rng, BACKGROUNDS),
        drop_shadow=uniform_range(rng, 0.1, 0.45),
        shadow=uniform_range(rng, 0.15, 0.25 + 0.35 * s) if chance(rng, 0.2 + 0.4 * s) else 0.0,
        shadow_angle=uniform_range(rng, 0, 2 * math.pi),
        shadow_offset=_sym(rng, 0.3),
        shadow_soft=uniform_range(rng, 0.03, 0.25),
        glare=uniform_range(rng, 0.15 + 0.5 * s, 0.35 + 0.6 * s) if chance(rng, glare_p) else 0.0,
        glare_center=(uniform_range(rng, 0.1, 0.9), uniform_range(rng, 0.15, 0.85)),
        glare_axes=axes,
        glare_angle=_sym(rng, 0.5),
        vignette=uniform_range(rng, 0.0, 0.1 + 0.2 * s),
        blur_rel=uniform_range(rng, 0.0, 0.06 + 0.36 * s * s),
        motion_rel=uniform_range(rng, 0.0, 1.1 * s * s) if chance(rng, 0.2 + 0.6 * s) else 0.0,
        motion_angle=uniform_range(rng, 0, math.pi),
        noise=uniform_range(rng, 1.0, 2.5 + 7.0 * s),
        brightness=_sym(rng, 8 + 25 * s),
        contrast=1.0 + _sym(rng, 0.05 + 0.25 * s),
        gamma=uniform_range(rng, 0.85, 1.2),
        white_balance=(
            1.0 + _sym(rng, 0.03 + 0.08 * s),
            1.0,
            1.0 + _sym(rng, 0.03 + 0.1 * s),
        ),
        jpeg_quality=int(np.clip(round(90 - 35 * s + _sym(rng, 3)), 55, 90)),
    )


# ---- geometry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Camera:
    """Label pixels -> frame pixels, and back."""

    label_w: float
    label_h: float
    radius: float  # cylinder radius in label px; 0 = flat
    bend: float
    homography: F64  # curved label plane -> frame
    frame: tuple[int, int]  # width, height

    def curve(self, u: F64, v: F64) -> tuple[F64, F64]:
        if self.radius <= 0:
            return u, v
        cx, cy, r = self.label_w / 2, self.label_h / 2, self.radius
        theta = (u - cx) / r
        c = 1 - np.cos(theta)
        return cx + r * np.sin(theta), cy + (v - cy) / (1 + _DEPTH * c) + self.bend * r * c

    def uncurve(self, x: F64, y: F64) -> tuple[F64, F64]:
        if self.radius <= 0:
            return x, y
        cx, cy, r = self.label_w / 2, self.label_h / 2, self.radius
        theta = np.arcsin(np.clip((x - cx) / r, -1.0, 1.0))
        c = 1 - np.cos(theta)
        return cx + r * theta, cy + (y - cy - self.bend * r * c) * (1 + _DEPTH * c)

    def forward(self, u: F64, v: F64) -> tuple[F64, F64]:
        return _apply(self.homography, *self.curve(u, v))

    def backward(self, x: F64, y: F64) -> tuple[F64, F64]:
        inverse = np.asarray(np.linalg.inv(self.homography), np.float64)
        return self.uncurve(*_apply(inverse, x, y))


def _apply(h: F64, x: F64, y: F64) -> tuple[F64, F64]:
    w = h[2, 0] * x + h[2, 1] * y + h[2, 2]
    return (h[0, 0] * x + h[0, 1] * y + h[0, 2]) / w, (h[1, 0] * x + h[1, 1] * y + h[1, 2]) / w


def _rotation(p: PhotoParams) -> F64:
    ax, ay, az = (math.radians(a) for a in (p.tilt_x_deg, p.tilt_y_deg, p.rotation_deg))
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    return np.asarray(rz @ rx @ ry, dtype=np.float64)


def _pinhole(p: PhotoParams, w: float, h: float) -> F64:
    """Homography of a camera looking at the (curved) label plane, centred on the label."""
    f = p.focal * max(w, h)
    rot = _rotation(p)
    k = np.diag([f, f, 1.0])
    rt = np.column_stack([rot[:, 0], rot[:, 1], [0.0, 0.0, f]])
    shift = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]], dtype=np.float64)
    return np.asarray(k @ rt @ shift, dtype=np.float64)


def _outline(w: float, h: float, n: int = 40) -> tuple[F64, F64]:
    t = np.linspace(0.0, 1.0, n)
    u = np.concatenate([t * w, np.full(n, w), (1 - t) * w, np.zeros(n)])
    v = np.concatenate([np.zeros(n), t * h, np.full(n, h), (1 - t) * h])
    return u, v


def _frame_size(p: PhotoParams, label_aspect: float) -> tuple[int, int]:
    """Frame (width, height): phones shoot portrait for tall labels, mostly."""
    portrait = (label_aspect < 1) == p.match_orientation
    short = round(p.long_side / p.aspect)
    return (short, p.long_side) if portrait else (p.long_side, short)


def camera(p: PhotoParams, w: float, h: float) -> Camera:
    """Poses the camera so the label fills `fill` of the frame at the sampled offset."""
    radius = (w / 2) / p.curve_half_angle if p.curve_half_angle > 0 else 0.0
    bend = p.curve_bend
    base = Camera(w, h, radius, bend, _pinhole(p, w, h), (1, 1))
    xs, ys = base.forward(*_outline(w, h))
    bw, bh = float(xs.max() - xs.min()), float(ys.max() - ys.min())
    fw, fh = _frame_size(p, bw / bh)
    s = p.fill * min(fw / bw, fh / bh)
    tx = p.offset[0] * (fw - s * bw) - s * float(xs.min())
    ty = p.offset[1] * (fh - s * bh) - s * float(ys.min())
    place = np.array([[s, 0, tx], [0, s, ty], [0, 0, 1]], dtype=np.float64)
    return Camera(w, h, radius, bend, place @ base.homography, (fw, fh))


def label_scale(p: PhotoParams, w: float, h: float) -> float:
    """How much the camera magnifies a label of this size (frame px per label px, centre)."""
    return magnification(camera(p, w, h))


def magnification(cam: Camera) -> float:
    cx, cy = cam.label_w / 2, cam.label_h / 2
    x, y = cam.forward(np.array([cx, cx + 1.0]), np.array([cy, cy]))
    return float(math.hypot(x[1] - x[0], y[1] - y[0]))


def _maps(cam: Camera, step: int = 4) -> tuple[F32, F32]:
    """Source coordinates for every frame pixel, computed coarse and interpolated (smooth)."""
    fw, fh = cam.frame
    gw, gh = math.ceil(fw / step) + 1, math.ceil(fh / step) + 1
    gx = (np.arange(gw, dtype=np.float64) + 0.5) * step - 0.5
    gy = (np.arange(gh, dtype=np.float64) + 0.5) * step - 0.5
    x, y = np.meshgrid(gx, gy)
    u, v = cam.backward(x, y)
    size = (gw * step, gh * step)
    mu = cv2.resize(u.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)[:fh, :fw]
    mv = cv2.resize(v.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)[:fh, :fw]
    return np.ascontiguousarray(mu), np.ascontiguousarray(mv)


# ---- backgrounds --------------------------------------------------------------------------


def _smooth(rng: Rng, h: int, w: int, cell: float) -> F32:
    """Value noise: random values on a coarse grid, smoothly interpolated, about -1..1."""
    gh, gw = max(2, int(h / cell) + 2), max(2, int(w / cell) + 2)
    coarse = rng.standard_normal((gh, gw)).astype(np.float32)
    return np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def _mix(a: tuple[float, float, float], b: tuple[float, float, float], t: F32) -> F32:
    ca, cb = np.array(a, np.float32), np.array(b, np.float32)
    return ca + (cb - ca) * t[..., None]


def _stretched(rng: Rng, h: int, w: int, cell_y: float, cell_x: float) -> F32:
    """Value noise with different feature sizes across (y) and along (x)."""
    gh, gw = max(2, int(h / cell_y) + 2), max(2, int(w / cell_x) + 2)
    coarse = rng.standard_normal((gh, gw)).astype(np.float32)
    return np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def _wood(rng: Rng, h: int, w: int) -> F32:
    """Planks: long, gently wavy grain lines plus fine fibres, running along x or y."""
    along_x = chance(rng, 0.5)
    hh, ww = (h, w) if along_x else (w, h)
    y = np.arange(hh, dtype=np.float32)[:, None]
    warp = _stretched(rng, hh, ww, 40, 400) * 12 + _stretched(rng, hh, ww, 8, 120) * 2
    grain = np.sin((y + warp) * uniform_range(rng, 0.12, 0.3))
    fibres = _stretched(rng, hh, ww, 1.5, 60)
    plank = _stretched(rng, hh, ww, 300, 2000)
    t = np.clip(0.55 + 0.22 * grain + 0.08 * fibres + 0.12 * plank, 0, 1) ** 1.3
    dark = pick(rng, ((92.0, 58.0, 34.0), (120.0, 84.0, 50.0), (60.0, 40.0, 28.0)))
    light = pick(rng, ((176.0, 130.0, 86.0), (205.0, 160.0, 110.0), (150.0, 110.0, 75.0)))
    img = _mix(dark, light, t.astype(np.float32))
    return img if along_x else np.ascontiguousarray(img.transpose(1, 0, 2))


def _fabric(rng: Rng, h: int, w: int) -> F32:
    """Woven cloth: a visible thread grid with uneven threads and soft folds."""
    period = uniform_range(rng, 3.0, 7.0)
    y, x = np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32)
    warp_threads = np.sin(x * 2 * math.pi / period)[None, :] * (
        1 + 0.3 * _stretched(rng, h, w, 200, 2)
    )
    weft_threads = np.sin(y * 2 * math.pi / period)[:, None] * (
        1 + 0.3 * _stretched(rng, h, w, 2, 200)
    )
    folds = _smooth(rng, h, w, 120)
    t = 0.5 + 0.12 * (warp_threads + weft_threads) + 0.15 * folds
    base = pick(
        rng, ((70.0, 80.0, 110.0), (150.0, 40.0, 45.0), (200.0, 195.0, 185.0), (60.0, 90.0, 70.0))
    )
    dark = (base[0] * 0.55, base[1] * 0.55, base[2] * 0.55)
    light = (min(255.0, base[0] * 1.3), min(255.0, base[1] * 1.3), min(255.0, base[2] * 1.3))
    return _mix(dark, light, np.clip(t, 0, 1).astype(np.float32))


def _gradient(rng: Rng, h: int, w: int) -> F32:
    angle = uniform_range(rng, 0, 2 * math.pi)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (x * math.cos(angle) + y * math.sin(angle)) / math.hypot(w, h) + 0.5
    t = np.clip(t + 0.04 * _smooth(rng, h, w, 80), 0, 1)
    a = pick(rng, ((230.0, 230.0, 225.0), (200.0, 210.0, 225.0), (90.0, 90.0, 95.0)))
    b = pick(rng, ((150.0, 150.0, 150.0), (60.0, 70.0, 90.0), (235.0, 225.0, 205.0)))
    return _mix(a, b, t.astype(np.float32))


def _speckle(rng: Rng, h: int, w: int) -> F32:
    """Kitchen counter: a stone-like base with scattered grains of other colours."""
    base = pick(rng, ((205.0, 200.0, 190.0), (70.0, 70.0, 72.0), (180.0, 165.0, 140.0)))
    darker = (base[0] * 0.85, base[1] * 0.85, base[2] * 0.85)
    img = _mix(base, darker, np.clip(0.5 + 0.3 * _smooth(rng, h, w, 50), 0, 1).astype(np.float32))
    grains = rng.random((h, w)) < uniform_range(rng, 0.02, 0.06)
    shade = rng.uniform(0.3, 1.6, size=(h, w)).astype(np.float32)
    img[grains] *= shade[grains, None]
    return np.asarray(cv2.GaussianBlur(img, (0, 0), 0.7), dtype=np.float32)


_BACKGROUNDS = {"wood": _wood, "fabric": _fabric, "gradient": _gradient, "speckle": _speckle}


def background(rng: Rng, kind: str, w: int, h: int) -> F32:
    """A surface at half resolution, upscaled (its detail is coarser than text anyway)."""
    small = _BACKGROUNDS[kind](rng, max(2, h // 2), max(2, w // 2))
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


# ---- light, optics, sensor ----------------------------------------------------------------


def _coarse_grid(w: int, h: int, step: int = 8) -> tuple[F32, F32, tuple[int, int]]:
    gw, gh = math.ceil(w / step) + 1, math.ceil(h / step) + 1
    y, x = np.mgrid[0:gh, 0:gw].astype(np.float32)
    return (x + 0.5) * step - 0.5, (y + 0.5) * step - 0.5, (gw * step, gh * step)


def _upscale(field: F32, size: tuple[int, int], w: int, h: int) -> F32:
    return np.asarray(cv2.resize(field, size, interpolation=cv2.INTER_LINEAR)[:h, :w], np.float32)


def shadow_field(p: PhotoParams, w: int, h: int) -> F32:
    """Multiplier < 1 where something (a hand, the phone) blocks the light: a soft half-plane."""
    x, y, size = _coarse_grid(w, h)
    diag = math.hypot(w, h)
    d = ((x - w / 2) * math.cos(p.shadow_angle) + (y - h / 2) * math.sin(p.shadow_angle)) / diag
    m = 1 / (1 + np.exp(-(d - p.shadow_offset) / p.shadow_soft))
    r = np.hypot(x - w / 2, y - h / 2) / (diag / 2)
    field = (1 - p.shadow * m) * (1 - p.vignette * r**2)
    return _upscale(field.astype(np.float32), size, w, h)


def glare_alpha(p: PhotoParams, cam: Camera, x: F64 | F32, y: F64 | F32) -> F64:
    """Share of the pixel washed out by the specular highlight (1 = pure white)."""
    if p.glare <= 0:
        return np.zeros(np.shape(x), dtype=np.float64)
    cu, cv = p.glare_center[0] * cam.label_w, p.glare_center[1] * cam.label_h
    gx, gy = cam.forward(np.array([cu]), np.array([cv]))
    scale = magnification(cam)
    ax, ay = (a * cam.label_w * scale for a in p.glare_axes)
    dx, dy = np.asarray(x, np.float64) - gx[0], np.asarray(y, np.float64) - gy[0]
    c, s = math.cos(p.glare_angle), math.sin(p.glare_angle)
    r2 = ((dx * c + dy * s) / ax) ** 2 + ((-dx * s + dy * c) / ay) ** 2
    return np.asarray(np.minimum(1.0, 1.3 * p.glare * np.exp(-r2 / 2)), np.float64)


def _motion_kernel(length: float, angle: float) -> F32:
    size = math.ceil(length) | 1
    k = np.zeros((size, size), np.float32)
    c = size // 2
    dx, dy = math.cos(angle) * (length - 1) / 2, math.sin(angle) * (length - 1) / 2
    cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
    return np.asarray(k / k.sum(), np.float32)


def _tone_lut(p: PhotoParams) -> U8:
    """Exposure, contrast, gamma and white balance as one 256-entry table per channel."""
    x = np.arange(256, dtype=np.float64)[:, None] * np.array(p.white_balance)[None, :]
    x = (x - 128) * p.contrast + 128 + p.brightness
    x = 255 * (np.clip(x, 0, 255) / 255) ** p.gamma
    lut: U8 = np.clip(np.round(x), 0, 255).astype(np.uint8).reshape(256, 1, 3)
    return lut


# ---- the photograph -----------------------------------------------------------------------


@dataclass
class Photo:
    jpeg: bytes
    size: tuple[int, int]
    boxes: list[tuple[int, int, int, int]]  # x, y, w, h per row
    degradations: dict[str, object]
    legible: str


def _cylinder_light(p: PhotoParams, cam: Camera, u: F32) -> F32:
    """Brightness by label column u: the bottle turns away from the light toward its edges."""
    theta = (u - np.float32(cam.label_w / 2)) * np.float32(1 / cam.radius)
    edge = max(1 - math.cos(p.curve_half_angle), 1e-6)
    return np.asarray(1 - (p.curve_light / edge) * (1 - np.cos(theta)), np.float32)


def _contact_shadow(p: PhotoParams, mask: F32) -> F32:
    """Multiplier for the surface: the label casts a soft shadow just beside its edges."""
    fh, fw = mask.shape
    small = cv2.resize(mask, (max(1, fw // 8), max(1, fh // 8)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(np.roll(small, (2, 2), axis=(0, 1)), (0, 0), 2.0)
    contact = cv2.resize(small, (fw, fh), interpolation=cv2.INTER_LINEAR)
    return np.asarray(1 - p.drop_shadow * contact, np.float32)


def _compose(p: PhotoParams, cam: Camera, label: U8, rng: Rng) -> tuple[F32, F32]:
    """The label warped onto the surface, with a soft contact shadow. Returns (scene, mask)."""
    fw, fh = cam.frame
    mu, mv = _maps(cam)
    rgba = cv2.cvtColor(label, cv2.COLOR_RGB2RGBA)  # alpha 255 marks the label after warping
    warped = cv2.remap(rgba, mu, mv, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = warped[..., 3].astype(np.float32)
    mask *= np.float32(1 / 255)
    # Surface and label weights folded into one multiply each (full-size arrays are costly).
    under = _contact_shadow(p, mask) * (1 - mask)
    over = mask * _cylinder_light(p, cam, mu) if cam.radius > 0 else mask
    scene = background(rng, p.background, fw, fh)
    scene *= under[..., None]
    scene += warped[..., :3].astype(np.float32) * over[..., None]
    return scene, mask


def _light(p: PhotoParams, cam: Camera, scene: F32, mask: F32) -> F32:
    fw, fh = cam.frame
    scene *= shadow_field(p, fw, fh)[..., None]
    if p.glare > 0:
        x, y, size = _coarse_grid(fw, fh, 4)
        alpha = _upscale(glare_alpha(p, cam, x, y).astype(np.float32), size, fw, fh) * mask
        scene += (255 - scene) * alpha[..., None]
    return scene


def _optics(scene: F32, sigma: float, motion: float, angle: float) -> F32:
    if sigma > 0.3:
        scene = np.asarray(cv2.GaussianBlur(scene, (0, 0), sigma), np.float32)
    if motion >= 1.5:
        scene = np.asarray(cv2.filter2D(scene, -1, _motion_kernel(motion, angle)), np.float32)
    return scene


def _sensor(p: PhotoParams, scene: F32, rng: Rng) -> U8:
    """Tone curve, then luminance noise per pixel and coarser colour noise (as demosaicing
    smears it)."""
    np.clip(scene, 0, 255, out=scene)
    img = cv2.LUT(scene.astype(np.uint8), _tone_lut(p))
    h, w = img.shape[:2]
    noise = rng.standard_normal((h, w), dtype=np.float32)
    noise *= np.float32(p.noise)
    chroma = rng.standard_normal((h // 2 + 1, w // 2 + 1, 3), dtype=np.float32)
    chroma *= np.float32(p.noise * 0.5)
    out: F32 = np.asarray(cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
    out += img.astype(np.float32)
    out += noise[..., None]
    np.rint(out, out=out)
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)


def _row_box(cam: Camera, box: Box) -> tuple[int, int, int, int]:
    """Axis-aligned box in the frame around a label box mapped through all the geometry."""
    x0, y0, x1, y1 = box
    t = np.linspace(0.0, 1.0, 9)
    u = np.concatenate([x0 + t * (x1 - x0), np.full(9, x1), x0 + t * (x1 - x0), np.full(9, x0)])
    v = np.concatenate([np.full(9, y0), y0 + t * (y1 - y0), np.full(9, y1), y0 + t * (y1 - y0)])
    x, y = cam.forward(u, v)
    fw, fh = cam.frame
    bx0, by0 = max(0, math.floor(float(x.min()))), max(0, math.floor(float(y.min())))
    bx1, by1 = min(fw, math.ceil(float(x.max()))), min(fh, math.ceil(float(y.max())))
    return bx0, by0, max(1, bx1 - bx0), max(1, by1 - by0)


def frame_quad(cam: Camera, box: Box) -> Corners:
    """A label box's corners in the frame (top left, top right, bottom right, bottom left),
    the shape a text detector reports. On a curved label the box's edges bend between them."""
    x0, y0, x1, y1 = box
    x, y = cam.forward(np.array([x0, x1, x1, x0], float), np.array([y0, y0, y1, y1], float))
    p = [(float(a), float(b)) for a, b in zip(x, y, strict=True)]
    return (p[0], p[1], p[2], p[3])


def _x_height_at(cam: Camera, box: Box, x_height: float) -> float:
    """The x-height a row's text has in the frame (perspective and curvature shrink it)."""
    cu, cv = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    x, y = cam.forward(np.array([cu, cu]), np.array([cv, cv - x_height]))
    return float(math.hypot(x[1] - x[0], y[1] - y[0]))


def _glare_on(p: PhotoParams, cam: Camera, box: Box) -> float:
    """The strongest glare over a row, sampled densely enough to catch a narrow streak."""
    if p.glare <= 0:
        return 0.0
    u, v = np.meshgrid(np.linspace(box[0], box[2], 32), np.linspace(box[1], box[3], 4))
    return float(glare_alpha(p, cam, *cam.forward(u.ravel(), v.ravel())).max())


# Legibility limits, (unreadable, hard to read): x-height in px; effective blur sigma per
# x-height (Gaussian and motion blur combined as variances); peak glare, where 0.85 leaves text
# 15 % of its contrast and a word lost to it loses the row.
_XH_LIMITS = (4.5, 7.0)
_BLUR_LIMITS = (0.4, 0.2)
_GLARE_LIMITS = (0.85, 0.75)


def legibility(
    p: PhotoParams, cam: Camera, boxes: list[Box], x_height: float, sigma: float, motion: float
) -> tuple[str, dict[str, object]]:
    """'full', 'partial' (some rows hard to read) or 'poor' (some rows unreadable)."""
    # A motion streak of length L spreads like a Gaussian of sigma L / sqrt(12).
    blur = math.sqrt(sigma**2 + motion**2 / 12)
    unreadable, hard, glared, heights = [], [], [], []
    for i, box in enumerate(boxes):
        xh = _x_height_at(cam, box, x_height)
        heights.append(xh)
        glare = _glare_on(p, cam, box)
        if glare > _GLARE_LIMITS[0]:
            glared.append(i)
        if xh < _XH_LIMITS[0] or blur / xh > _BLUR_LIMITS[0] or glare > _GLARE_LIMITS[0]:
            unreadable.append(i)
        elif xh < _XH_LIMITS[1] or blur / xh > _BLUR_LIMITS[1] or glare > _GLARE_LIMITS[1]:
            hard.append(i)
    verdict = "poor" if unreadable else "partial" if hard else "full"
    detail: dict[str, object] = {
        "effective_blur_px": round(blur, 3),
        "x_height_px_min": round(min(heights), 2) if heights else None,
        "unreadable_rows": unreadable,
        "hard_rows": hard,
        "glare_rows": glared,
    }
    return verdict, detail


def photograph(
    label: Image.Image, boxes: list[Box], x_height: float, p: PhotoParams, rng: Rng
) -> Photo:
    """The label as a phone would have captured it, with every row's box in the photo."""
    w, h = label.size
    cam = camera(p, float(w), float(h))
    scene, mask = _compose(p, cam, np.asarray(label.convert("RGB"), np.uint8), rng)
    scene = _light(p, cam, scene, mask)
    xh = float(np.median([_x_height_at(cam, b, x_height) for b in boxes])) if boxes else x_height
    sigma, motion = p.blur_rel * xh, p.motion_rel * xh
    scene = _optics(scene, sigma, motion, p.motion_angle)
    img = _sensor(p, scene, rng)
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, p.jpeg_quality]
    )
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    verdict, detail = legibility(p, cam, boxes, x_height, sigma, motion)
    record = (
        p.record()
        | {
            "frame": list(cam.frame),
            "label_scale": round(magnification(cam), 4),
            "x_height_px": round(xh, 2),
            "blur_sigma_px": round(sigma, 3),
            "motion_px": round(motion, 3),
        }
        | detail
    )
    return Photo(buf.tobytes(), cam.frame, [_row_box(cam, b) for b in boxes], record, verdict)
