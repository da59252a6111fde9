#!/usr/bin/env python3
"""Reference engines for the embedding benchmark: all-MiniLM-L6-v2 with sentence-transformers (PyTorch CPU) or with
ONNX Runtime (an fp32 export of the same model, or that export with ONNX Runtime's dynamic int8 quantization:
`onnx-int8`), on a file of texts, one per line. Prints one JSON object with
texts/s, tokens/s (real tokens, [CLS]/[SEP] included, no padding), padded tokens and peak RSS.

Usage (reference venv, see docs/embeddings.md):
    HF_HUB_OFFLINE=1 .venv-ref/bin/python scripts/minilm/bench_reference.py torch|onnx|onnx-int8 TEXTS [--model-dir DIR]
        [--threads 2] [--batch-size 32] [--onnx-cache DIR]
Each engine runs in its own process so that peak memory is its own.
"""
import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def default_model_dir():
    return os.environ.get("SUPPORTKIT_MODEL_DIR") or os.path.expanduser("~/.cache/supportkit/models/all-MiniLM-L6-v2")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_torch(texts, args):
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(args.model_dir, device="cpu")
    model.encode(texts[:32], batch_size=args.batch_size)  # warm-up
    cpu = cpu_seconds()
    start = time.perf_counter()
    with torch.inference_mode():
        vectors = model.encode(texts, batch_size=args.batch_size, convert_to_numpy=True)
    seconds = time.perf_counter() - start
    return vectors, seconds, cpu_seconds() - cpu, f"sentence-transformers / torch {torch.__version__} CPU"


def export_onnx(model_dir, path):
    import torch
    from transformers import AutoModel

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = AutoModel.from_pretrained(model_dir)

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    model = Encoder().eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in
                          ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
            opset_version=17, do_constant_folding=True, dynamo=False)


def quantize_onnx(fp32_path, path):
    # ONNX Runtime's dynamic quantization with its defaults: int8 weights (one scale per tensor), activations
    # quantized per tensor at run time; every MatMul of the graph.
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(fp32_path, path, weight_type=QuantType.QInt8)


def run_onnx(texts, args):
    import numpy as np
    import onnxruntime as ort
    from transformers import AutoTokenizer

    os.makedirs(args.onnx_cache, exist_ok=True)
    path = os.path.join(args.onnx_cache, "all-MiniLM-L6-v2-fp32.onnx")
    if not os.path.exists(path):
        export_onnx(args.model_dir, path + ".tmp")
        os.replace(path + ".tmp", path)
    variant = "fp32 export"
    if args.engine == "onnx-int8":
        fp32_path, path = path, os.path.join(args.onnx_cache, "all-MiniLM-L6-v2-int8-dynamic.onnx")
        if not os.path.exists(path):
            quantize_onnx(fp32_path, path + ".tmp.onnx")
            os.replace(path + ".tmp.onnx", path)
        variant = "int8 dynamic quantization of the fp32 export"
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    tokenizer = AutoTokenizer.from_pretrained(args.model_dir)

    def encode(batch_texts):
        features = tokenizer(batch_texts, padding=True, truncation=True, max_length=256, return_tensors="np")
        feeds = {name: features[name].astype(np.int64) for name in ["input_ids", "attention_mask", "token_type_ids"]}
        hidden = session.run(["last_hidden_state"], feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode_all(all_texts):
        # Like sentence-transformers: sort by length (longest first), batch, pad each batch to its longest text.
        order = sorted(range(len(all_texts)), key=lambda i: -len(all_texts[i]))
        out = [None] * len(all_texts)
        for start in range(0, len(order), args.batch_size):
            idx = order[start:start + args.batch_size]
            for i, v in zip(idx, encode([all_texts[i] for i in idx])):
                out[i] = v
        return np.stack(out)

    encode_all(texts[:32])  # warm-up
    cpu = cpu_seconds()
    start = time.perf_counter()
    vectors = encode_all(texts)
    seconds = time.perf_counter() - start
    return vectors, seconds, cpu_seconds() - cpu, f"ONNX Runtime {ort.__version__} {variant}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=["torch", "onnx", "onnx-int8"])
    parser.add_argument("texts")
    parser.add_argument("--model-dir", default=default_model_dir())
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--onnx-cache", default=os.path.expanduser("~/.cache/supportkit/bench"))
    parser.add_argument("--save-vectors", help="write the vectors as .npy, for parity checks")
    args = parser.parse_args()
    with open(args.texts, encoding="utf-8") as f:
        texts = f.read().split("\n")
    if texts and texts[-1] == "":
        texts.pop()

    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=256)["input_ids"]]
    tokens = sum(lengths)
    order = sorted(lengths, reverse=True)
    padded = sum(max(order[i:i + args.batch_size]) * len(order[i:i + args.batch_size])
                 for i in range(0, len(order), args.batch_size))

    vectors, seconds, cpu, name = (run_torch if args.engine == "torch" else run_onnx)(texts, args)
    if args.save_vectors:
        import numpy as np
        np.save(args.save_vectors, vectors)
    print(json.dumps({
        "engine": args.engine, "name": name, "texts": len(texts), "tokens": tokens, "paddedTokens": padded,
        "seconds": seconds, "cpuSeconds": cpu, "textsPerSecond": len(texts) / seconds,
        "tokensPerSecond": tokens / seconds, "peakRSSMegabytes": peak_rss_mb(), "threads": args.threads,
        "batchSize": args.batch_size,
    }, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
