"""A GGUF (version 3) writer: the metadata and tensor layout llama.cpp reads for a llama model.

Written here because Debian ships no `gguf` Python package; the format is
https://github.com/ggml-org/ggml/blob/master/docs/gguf.md. Dimensions are stored innermost first,
so a torch (out, in) matrix is written as its row-major bytes with dims (in, out).
"""
import struct

import numpy as np

ALIGNMENT = 32
GGML_F32, GGML_F16 = 0, 1
UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9


def _string(s):
    b = s.encode('utf-8')
    return struct.pack('<Q', len(b)) + b


def _value(v):
    """A Python value → (GGUF type, bytes). Lists keep their elements' type."""
    if isinstance(v, bool):
        return BOOL, struct.pack('<?', v)
    if isinstance(v, int):
        return UINT32, struct.pack('<I', v)
    if isinstance(v, float):
        return FLOAT32, struct.pack('<f', v)
    if isinstance(v, str):
        return STRING, _string(v)
    if isinstance(v, tuple) and v[0] == 'i32':
        return INT32, struct.pack('<i', v[1])
    if isinstance(v, list):
        if all(isinstance(x, str) for x in v):
            kind, body = STRING, b''.join(_string(x) for x in v)
        elif all(isinstance(x, float) for x in v):
            kind, body = FLOAT32, struct.pack(f'<{len(v)}f', *v)
        else:
            kind, body = INT32, struct.pack(f'<{len(v)}i', *v)
        return ARRAY, struct.pack('<IQ', kind, len(v)) + body
    raise TypeError(f'no GGUF type for {v!r}')


def write_gguf(path, metadata, tensors):
    """metadata: {key: value}; tensors: [(name, numpy array float32 or float16)], written in order."""
    header = b'GGUF' + struct.pack('<IQQ', 3, len(tensors), len(metadata))
    kv = b''
    for key, value in metadata.items():
        kind, body = _value(value)
        kv += _string(key) + struct.pack('<I', kind) + body
    infos, blobs, offset = b'', [], 0
    for name, array in tensors:
        array = np.ascontiguousarray(array)
        kind = GGML_F16 if array.dtype == np.float16 else GGML_F32
        if array.dtype not in (np.float16, np.float32):
            raise TypeError(f'{name}: {array.dtype}')
        dims = list(reversed(array.shape))
        infos += _string(name) + struct.pack('<I', len(dims)) + struct.pack(f'<{len(dims)}Q', *dims) + struct.pack('<IQ', kind, offset)
        blob = array.tobytes()
        pad = (-len(blob)) % ALIGNMENT
        blobs.append(blob + b'\0' * pad)
        offset += len(blob) + pad
    head = header + kv + infos
    with open(path, 'wb') as f:
        f.write(head + b'\0' * ((-len(head)) % ALIGNMENT))
        for blob in blobs:
            f.write(blob)
