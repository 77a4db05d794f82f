"""Quantizes a BERT ONNX model to int8 with onnxruntime's dynamic quantization, as Hugging Face's
exporters produce onnx/model_quantized.onnx. Used by test/bert/quantized.test.ts.

    quantize_bert.py <model.onnx> <model_quantized.onnx>
"""

import json
import sys
import warnings

warnings.filterwarnings("ignore")

import onnxruntime  # noqa: E402
from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: E402

source, target = sys.argv[1], sys.argv[2]
quantize_dynamic(source, target, weight_type=QuantType.QInt8)
print(json.dumps({"onnxruntime": onnxruntime.__version__}))
