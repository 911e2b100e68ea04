#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into corpus/<target>/: small valid files
(raw and gzip) and a few broken ones, so the fuzzer starts from every branch of
the readers. Run it from anywhere; it rewrites the same files each time."""
import gzip
import pathlib
import struct
import zlib

here = pathlib.Path(__file__).resolve().parent / "corpus"


def idx(header, payload):
    return b"".join(struct.pack(">I", field) for field in header) + bytes(payload)


def gz(data):
    return gzip.compress(data, mtime=0)


def model(layers):
    """layers: list of ('dense', I, O) or an activation kind 1-3; weights 0.5, biases -0.25."""
    out = b"NNSCRATC" + struct.pack("<II", 1, len(layers))
    for layer in layers:
        if isinstance(layer, tuple):
            _, i, o = layer
            out += struct.pack("<III", 0, i, o) + struct.pack("<f", 0.5) * (i * o) + struct.pack("<f", -0.25) * o
        else:
            out += struct.pack("<I", layer)
    return out + struct.pack("<I", zlib.crc32(out))


pixels = [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 255]
images = {
    "valid_2x2x3": idx([2051, 2, 2, 3], pixels),
    "valid_2x2x3.gz": gz(idx([2051, 2, 2, 3], pixels)),
    "valid_1x28x28.gz": gz(idx([2051, 1, 28, 28], [(i * 7) % 256 for i in range(784)])),
    "truncated_header": idx([2051, 2], []),
    "wrong_magic": idx([2049, 2, 2, 3], pixels),
    "claims_more": idx([2051, 3, 2, 3], pixels),
    "huge_dimensions": idx([2051, 0xFFFFFFFF, 1024, 1024], pixels),
    "truncated.gz": gz(idx([2051, 2, 2, 3], pixels))[:20],
}
labels = {
    "valid_3": idx([2049, 3], [7, 2, 0]),
    "valid_3.gz": gz(idx([2049, 3], [7, 2, 0])),
    "label_10": idx([2049, 3], [1, 10, 3]),
    "claims_more.gz": gz(idx([2049, 1000], [1, 2])),
    "empty": b"",
}
models = {
    "valid_3_relu_2": model([("dense", 3, 2), 1]),
    "valid_2_tanh_3_sigmoid_2": model([("dense", 2, 3), 3, ("dense", 3, 2), 2]),
    "version_2": model([("dense", 1, 1)]).replace(struct.pack("<I", 1), struct.pack("<I", 2), 1),
    "truncated": model([("dense", 3, 2)])[:30],
    "bad_checksum": model([("dense", 1, 2)])[:-1] + b"\x00",
}
for target, files in {"fuzz_idx_images": images, "fuzz_idx_labels": labels, "fuzz_model": models}.items():
    folder = here / target
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
