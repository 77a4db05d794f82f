"""Writes a BERT-base-size sequence classifier with random weights, in the Hugging Face folder layout.

    python bench/bert/make-bert-base.py OUT_DIR TOKENIZER_DIR

Used by bench/bert/run.ts, which installs this script's only dependencies (bench/bert/requirements.txt:
the `onnx` package and numpy, no torch) into .cache/bench-bert/venv and keys the generated folder by a
hash of this file. Nothing is downloaded besides those two wheels.

The graph is built node by node with `onnx.helper` and follows what `torch.onnx.export` (opset 14)
writes for Hugging Face's `BertForSequenceClassification`, the pattern of
shared/models/bert-tiny-sst2/onnx/model.onnx: word + position + token-type embeddings, LayerNorm spelled
out as ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add (ONNX Runtime fuses it), self-attention
with an additive float32-min mask bias, exact erf GELU, post-LayerNorm residuals, a tanh pooler on
[CLS] and a linear classifier. Inputs `input_ids`, `attention_mask`, `token_type_ids` (int64,
[batch_size, sequence_length]); output `logits` (float32, [batch_size, 2]).

Geometry: bert-base (12 layers, hidden 768, 12 heads, intermediate 3072, vocab 30522, 512 positions,
2 token types, 2 labels): 109,483,778 parameters, ~438 MB of fp32 ONNX. Weights are drawn from
N(0, 0.02) (Hugging Face's initializer_range) with a fixed numpy seed, LayerNorm gains 1 and all
biases 0, as `BertForSequenceClassification(BertConfig(...))` initialises them; the speed of a
forward pass does not depend on the values, and the fixed seed makes the file byte-identical on every
run. The tokenizer files are copied from TOKENIZER_DIR (bert-tiny-sst2: the bert-base-uncased vocab).
"""
import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 20240531
LAYERS, HIDDEN, HEADS, INTERMEDIATE = 12, 768, 12, 3072
VOCAB, MAX_POSITIONS, TYPE_VOCAB, LABELS = 30522, 512, 2, 2
HEAD_DIM = HIDDEN // HEADS
EPS = 1e-12
OPSET = 14
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]

rng = np.random.default_rng(SEED)
initializers: list = []
nodes: list = []
counter = [0]


def weight(name: str, shape: tuple) -> str:
    initializers.append(numpy_helper.from_array(rng.normal(0.0, 0.02, size=shape).astype(np.float32), name))
    return name


def fill(name: str, shape: tuple, value: float) -> str:
    initializers.append(numpy_helper.from_array(np.full(shape, value, dtype=np.float32), name))
    return name


def const(name: str, array: np.ndarray) -> str:
    initializers.append(numpy_helper.from_array(array, name))
    return name


def node(op: str, inputs: list, **attrs) -> str:
    counter[0] += 1
    out = f"/{op}_{counter[0]}_output_0"
    nodes.append(helper.make_node(op, inputs, [out], name=f"/{op}_{counter[0]}", **attrs))
    return out


# Scalars and shapes shared by every layer (graph initializers, like the exporter's constants).
ONE = const("one", np.array(1.0, dtype=np.float32))
HALF = const("half", np.array(0.5, dtype=np.float32))
TWO = const("two", np.array(2.0, dtype=np.float32))
SQRT2 = const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))
EPS_C = const("eps", np.array(EPS, dtype=np.float32))
SCALE = const("attention_scale", np.array(math.sqrt(HEAD_DIM), dtype=np.float32))
FLOAT_MIN = const("float_min", np.array(np.finfo(np.float32).min, dtype=np.float32))
SPLIT_HEADS = const("split_heads_shape", np.array([0, 0, HEADS, HEAD_DIM], dtype=np.int64))
MERGE_HEADS = const("merge_heads_shape", np.array([0, 0, HIDDEN], dtype=np.int64))


def layer_norm(x: str, prefix: str) -> str:
    mean = node("ReduceMean", [x], axes=[-1])
    centered = node("Sub", [x, mean])
    var = node("ReduceMean", [node("Pow", [centered, TWO])], axes=[-1])
    normed = node("Div", [centered, node("Sqrt", [node("Add", [var, EPS_C])])])
    scaled = node("Mul", [normed, fill(f"{prefix}.LayerNorm.weight", (HIDDEN,), 1.0)])
    return node("Add", [scaled, fill(f"{prefix}.LayerNorm.bias", (HIDDEN,), 0.0)])


def linear(x: str, prefix: str, n_in: int, n_out: int) -> str:
    # torch exports nn.Linear on 3-D input as MatMul with the transposed weight, then Add(bias).
    y = node("MatMul", [x, weight(f"{prefix}.weight_t", (n_in, n_out))])
    return node("Add", [fill(f"{prefix}.bias", (n_out,), 0.0), y])


def main(out_dir: Path, tokenizer_dir: Path) -> None:
    # Additive attention bias: (1 - mask) * float32_min, shape [batch, 1, 1, seq].
    mask = node("Unsqueeze", ["attention_mask", const("axes_1_2", np.array([1, 2], dtype=np.int64))])
    bias = node("Mul", [node("Sub", [ONE, node("Cast", [mask], to=TensorProto.FLOAT)]), FLOAT_MIN])

    # Embeddings: positions are a slice [0, seq) of a constant arange, as the exporter writes it.
    seq_len = node("Gather", [node("Shape", ["input_ids"]), const("index_1", np.array(1, dtype=np.int64))], axis=0)
    positions = node(
        "Slice",
        [
            const("position_ids", np.arange(MAX_POSITIONS, dtype=np.int64).reshape(1, MAX_POSITIONS)),
            const("slice_start", np.array([0], dtype=np.int64)),
            node("Unsqueeze", [seq_len, const("axes_0", np.array([0], dtype=np.int64))]),
            const("slice_axes", np.array([1], dtype=np.int64)),
            const("slice_steps", np.array([1], dtype=np.int64)),
        ],
    )
    e = "bert.embeddings"
    h = node("Gather", [weight(f"{e}.word_embeddings.weight", (VOCAB, HIDDEN)), "input_ids"])
    h = node("Add", [h, node("Gather", [weight(f"{e}.position_embeddings.weight", (MAX_POSITIONS, HIDDEN)), positions])])
    h = node("Add", [h, node("Gather", [weight(f"{e}.token_type_embeddings.weight", (TYPE_VOCAB, HIDDEN)), "token_type_ids"])])
    h = layer_norm(h, e)

    for i in range(LAYERS):
        p = f"bert.encoder.layer.{i}"
        q = node("Transpose", [node("Reshape", [linear(h, f"{p}.attention.self.query", HIDDEN, HIDDEN), SPLIT_HEADS])], perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(h, f"{p}.attention.self.key", HIDDEN, HIDDEN), SPLIT_HEADS])], perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(h, f"{p}.attention.self.value", HIDDEN, HIDDEN), SPLIT_HEADS])], perm=[0, 2, 1, 3])
        scores = node("Add", [node("Div", [node("MatMul", [q, k]), SCALE]), bias])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), MERGE_HEADS])
        attn = linear(context, f"{p}.attention.output.dense", HIDDEN, HIDDEN)
        h = layer_norm(node("Add", [attn, h]), f"{p}.attention.output")
        inter = linear(h, f"{p}.intermediate.dense", HIDDEN, INTERMEDIATE)
        gelu = node("Mul", [node("Mul", [inter, node("Add", [node("Erf", [node("Div", [inter, SQRT2])]), ONE])]), HALF])
        out = linear(gelu, f"{p}.output.dense", INTERMEDIATE, HIDDEN)
        h = layer_norm(node("Add", [out, h]), f"{p}.output")

    cls = node("Gather", [h, const("index_0", np.array(0, dtype=np.int64))], axis=1)
    pooled = node(
        "Tanh",
        [node("Gemm", [cls, weight("bert.pooler.dense.weight", (HIDDEN, HIDDEN)), fill("bert.pooler.dense.bias", (HIDDEN,), 0.0)], transB=1)],
    )
    nodes.append(
        helper.make_node(
            "Gemm", [pooled, weight("classifier.weight", (LABELS, HIDDEN)), fill("classifier.bias", (LABELS,), 0.0)], ["logits"], name="/classifier/Gemm", transB=1
        )
    )

    dims = ["batch_size", "sequence_length"]
    graph = helper.make_graph(
        nodes,
        "bert_base_random",
        [helper.make_tensor_value_info(n, TensorProto.INT64, dims) for n in ("input_ids", "attention_mask", "token_type_ids")],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", LABELS])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="senti-mlops bench/bert/make-bert-base.py")
    model.ir_version = 8
    onnx.checker.check_model(model)

    (out_dir / "onnx").mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(out_dir / "onnx" / "model.onnx"))
    for name in TOKENIZER_FILES:
        shutil.copyfile(tokenizer_dir / name, out_dir / name)
    config = json.loads((tokenizer_dir / "config.json").read_text())
    config.update(
        {
            "_name_or_path": "bert-base-random",
            "hidden_size": HIDDEN,
            "num_hidden_layers": LAYERS,
            "num_attention_heads": HEADS,
            "intermediate_size": INTERMEDIATE,
            "vocab_size": VOCAB,
            "max_position_embeddings": MAX_POSITIONS,
            "type_vocab_size": TYPE_VOCAB,
            "attention_probs_dropout_prob": 0.1,
            "hidden_dropout_prob": 0.1,
        }
    )
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    params = sum(int(np.prod(t.dims)) for t in initializers if t.data_type == TensorProto.FLOAT and len(t.dims) > 0)
    print(json.dumps({"parameters": params, "bytes": (out_dir / "onnx" / "model.onnx").stat().st_size, "nodes": len(nodes)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
