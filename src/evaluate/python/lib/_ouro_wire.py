"""The messages between the evaluator's process and the candidate's own process (see _ouro_apart).

A message is plain data only: None, booleans, numbers, text, bytes, lists, tuples, dicts, sets,
complex numbers, numpy arrays and scalars of fixed-size types, and references to objects that stay
in the candidate's process. Nothing is unpickled, so a message the candidate crafts can only ever
decode to such data, never run code in the evaluator's process.

On the socket: an 8-byte length, the JSON text, then each binary buffer (array data, bytes) as an
8-byte length and its bytes, in the order the JSON refers to them.
"""

import json
import struct
import sys

_LENGTH = struct.Struct("!Q")
_MAX_DEPTH = 100
# numpy dtype kinds whose data is plain bytes: booleans, integers, floats, complex, text, bytes.
_ARRAY_KINDS = frozenset("biufcUS")


class Unsendable(TypeError):
    """The value holds something that is not plain data; `kind` names its type."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def encode(value, buffers, refer=None, depth=0):
    """`value` as JSON-able data, with binary buffers appended to `buffers`. An object that is not
    plain data becomes refer(object), or raises Unsendable when `refer` is None."""
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int or kind is float:
        return value
    if depth > _MAX_DEPTH:
        if refer is None:
            raise Unsendable("data nested more than 100 levels deep")
        return refer(value)
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, (numpy.ndarray, numpy.generic)) and value.dtype.kind in _ARRAY_KINDS:
        buffers.append(numpy.ascontiguousarray(value).tobytes())
        if isinstance(value, numpy.generic):
            return {"$ns": [value.dtype.str, len(buffers) - 1]}
        return {"$nd": [value.dtype.str, list(value.shape), len(buffers) - 1]}
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, (int, float, str)):  # subclasses (an IntEnum, say) travel as the plain value
        return (int if isinstance(value, int) else float if isinstance(value, float) else str)(value)
    inner = depth + 1
    if kind is list:
        return [encode(item, buffers, refer, inner) for item in value]
    if kind is tuple:
        return {"$t": [encode(item, buffers, refer, inner) for item in value]}
    if kind is dict:
        if all(type(key) is str and not key.startswith("$") for key in value):
            return {key: encode(item, buffers, refer, inner) for key, item in value.items()}
        return {"$d": [[encode(key, buffers, refer, inner), encode(item, buffers, refer, inner)] for key, item in value.items()]}
    if kind is set or kind is frozenset:
        return {"$s" if kind is set else "$fs": [encode(item, buffers, refer, inner) for item in value]}
    if kind is bytes or kind is bytearray:
        buffers.append(bytes(value))
        return {"$b" if kind is bytes else "$ba": len(buffers) - 1}
    if kind is complex:
        return {"$c": [value.real, value.imag]}
    if refer is None:
        raise Unsendable(kind.__name__)
    return refer(value)


def decode(data, buffers, resolve):
    """The value `encode` made; {"$ref": ...} objects become resolve(data)."""
    if isinstance(data, list):
        return [decode(item, buffers, resolve) for item in data]
    if not isinstance(data, dict):
        return data
    tag = next((key for key in data if key.startswith("$")), None)
    if tag is None:
        return {key: decode(item, buffers, resolve) for key, item in data.items()}
    body = data[tag]
    if tag == "$t":
        return tuple(decode(item, buffers, resolve) for item in body)
    if tag == "$d":
        return {_key(decode(key, buffers, resolve)): decode(item, buffers, resolve) for key, item in body}
    if tag in ("$s", "$fs"):
        items = [_key(decode(item, buffers, resolve)) for item in body]
        return set(items) if tag == "$s" else frozenset(items)
    if tag == "$b":
        return bytes(buffers[body])
    if tag == "$ba":
        return bytearray(buffers[body])
    if tag == "$c":
        return complex(float(body[0]), float(body[1]))
    if tag in ("$nd", "$ns"):
        return _array(tag, body, buffers)
    if tag == "$ref":
        return resolve(data)
    raise ValueError(f"unknown tag {tag!r} in a message from the other process")


def _key(value):
    hash(value)  # a list decoded as a key is refused here, with Python's own TypeError
    return value


def _array(tag, body, buffers):
    import numpy

    dtype = numpy.dtype(str(body[0]))
    if dtype.kind not in _ARRAY_KINDS:
        raise ValueError(f"array of dtype {dtype} cannot cross between processes")
    data = buffers[body[-1]]
    if tag == "$ns":
        return numpy.frombuffer(data, dtype=dtype)[0]
    shape = tuple(int(size) for size in body[1])
    return numpy.frombuffer(bytearray(data), dtype=dtype).reshape(shape)


def pack(message, refer=None):
    """The bytes of one message; raises Unsendable before anything is sent."""
    buffers = []
    text = json.dumps(encode(message, buffers, refer), separators=(",", ":")).encode("utf-8")
    parts = [_LENGTH.pack(len(text)), text, _LENGTH.pack(len(buffers))]
    for buffer in buffers:
        parts += [_LENGTH.pack(len(buffer)), buffer]
    return b"".join(parts)


def receive(sock, resolve):
    """The next message, or raises EOFError when the other process has closed its end."""
    data = json.loads(_exactly(sock, _LENGTH.unpack(_exactly(sock, 8))[0]))
    count = _LENGTH.unpack(_exactly(sock, 8))[0]
    buffers = [_exactly(sock, _LENGTH.unpack(_exactly(sock, 8))[0]) for _ in range(count)]
    return decode(data, buffers, resolve)


def _exactly(sock, size):
    view = memoryview(bytearray(size))
    done = 0
    while done < size:
        got = sock.recv_into(view[done:], size - done)
        if got == 0:
            raise EOFError("the other process closed the connection")
        done += got
    return view.obj
