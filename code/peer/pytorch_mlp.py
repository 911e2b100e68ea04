#!/usr/bin/env python3
"""The book's benchmark in PyTorch: the three workloads of code/benchmark.cpp.

The network is the book's: 784 inputs, one hidden layer of 128 ReLU units,
10 logits, softmax cross-entropy averaged over the batch, float32, plain SGD
(PyTorch's default initialisation). The workloads, on the MNIST IDX files:

  minibatch_epoch  one epoch over the 60,000 training images in a shuffled
                   order, batches of 64, learning rate 0.1: seconds for the epoch
  sgd_samples      one update per image over the first 10,000 training images
                   in file order, learning rate 0.01: samples per second
  fullbatch_step   10 gradient-descent steps on all 60,000 training images,
                   learning rate 0.5: milliseconds per step

Each workload prints one line of JSON,
  {"peer": "pytorch", "workload": ..., "value": ..., "unit": ..., "test_accuracy": ...}
Timings exclude reading the files and the test-set evaluation.

Needs Debian's python3-torch and python3-numpy, run with /usr/bin/python3:
  sudo apt-get install python3-torch python3-numpy libopenblas0-pthread
Without libopenblas0-pthread PyTorch multiplies with the reference BLAS, many
times slower. Unset OPENBLAS_CORETYPE so that OpenBLAS picks its kernel for the
processor it runs on (.ci/benchmark.sh and chapter 11's program do).
"""
import argparse
import gzip
import json
import pathlib
import struct
import time

import numpy
import torch

WORKLOADS = ("minibatch_epoch", "sgd_samples", "fullbatch_step")


def read_bytes(folder, name):
    """The file `name` in `folder`, or its gzip-compressed `name.gz`, uncompressed."""
    path = pathlib.Path(folder, name)
    if path.exists():
        return path.read_bytes()
    return gzip.decompress(pathlib.Path(folder, name + ".gz").read_bytes())


def read_idx(folder, images_name, labels_name):
    """Images as an N×784 float tensor in [0, 1], labels as N int64."""
    pixels = read_bytes(folder, images_name)
    magic, count, rows, cols = struct.unpack_from(">4I", pixels)
    if magic != 2051:
        raise SystemExit(f"{images_name}: not an IDX file of images")
    images = numpy.frombuffer(pixels, numpy.uint8, count * rows * cols, 16).reshape(count, rows * cols)
    labels_raw = read_bytes(folder, labels_name)
    magic, label_count = struct.unpack_from(">2I", labels_raw)
    if magic != 2049 or label_count != count:
        raise SystemExit(f"{labels_name}: not the labels of {images_name}")
    labels = numpy.frombuffer(labels_raw, numpy.uint8, count, 8)
    return (torch.from_numpy(images.astype(numpy.float32) / 255.0),
            torch.from_numpy(labels.astype(numpy.int64)))


def mlp(hidden):
    return torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))


def train_on(model, learning_rate, batches):
    """One SGD update per (images, labels) pair that `batches` yields; seconds taken."""
    optimiser = torch.optim.SGD(model.parameters(), lr=learning_rate)
    cross_entropy = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    for images, labels in batches:
        optimiser.zero_grad()
        cross_entropy(model(images), labels).backward()
        optimiser.step()
    return time.perf_counter() - start


def print_line(workload, value, unit, model, test):
    with torch.no_grad():
        accuracy = (model(test[0]).argmax(dim=1) == test[1]).double().mean().item()
    print(json.dumps({"peer": "pytorch", "workload": workload, "value": round(value, 4), "unit": unit,
                      "test_accuracy": round(accuracy, 4)}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder of the four MNIST IDX files, raw or .gz")
    parser.add_argument("--threads", type=int, default=2, help="threads PyTorch may use (default 2)")
    parser.add_argument("--hidden", type=int, default=128, help="width of the hidden layer (default 128)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the order (default 0)")
    parser.add_argument("--only", choices=WORKLOADS, help="run this workload alone")
    settings = parser.parse_args()
    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    x, y = read_idx(settings.data, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    test = read_idx(settings.data, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    wanted = [settings.only] if settings.only else WORKLOADS

    if "minibatch_epoch" in wanted:
        model = mlp(settings.hidden)
        order = torch.randperm(x.shape[0])
        batches = ((x[rows], y[rows]) for rows in torch.split(order, 64))
        print_line("minibatch_epoch", train_on(model, 0.1, batches), "s", model, test)

    if "sgd_samples" in wanted:
        model = mlp(settings.hidden)
        samples = 10000
        seconds = train_on(model, 0.01, ((x[n:n + 1], y[n:n + 1]) for n in range(samples)))
        print_line("sgd_samples", samples / seconds, "samples/s", model, test)

    if "fullbatch_step" in wanted:
        model = mlp(settings.hidden)
        steps = 10
        seconds = train_on(model, 0.5, ((x, y) for _ in range(steps)))
        print_line("fullbatch_step", seconds / steps * 1000.0, "ms", model, test)


if __name__ == "__main__":
    main()
