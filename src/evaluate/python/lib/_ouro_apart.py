"""The candidate's own process: when the evaluator imports one of the candidate's Python files, the
file runs in a process forked for it, never in the evaluator's.

The evaluator gets a module as usual. Its data (numbers, text, lists, numpy arrays) is copied at
import; its functions, classes and other objects stay in the candidate's process, and calling one,
reading an attribute or iterating sends a request there and waits for the answer (_ouro_wire). An
exception raised by the candidate is raised again in the evaluator, with the candidate's traceback
as a note. So the candidate can reach neither the harness's frames and nonce nor the evaluator's
globals, and what it returns is plain data that the evaluator checks as it would anyway.

The candidate's process runs only while the evaluator waits on it: the harness stops it (SIGSTOP)
after each answer, and a seccomp filter (_ouro_seccomp) keeps it from starting processes that would
run on. It is killed at the end of each stage. What changes for an evaluator: the module's data is
a copy (setting a module attribute is forwarded; changing a list in place is not), arguments travel
by value, and each call costs a round trip between processes.
"""

import builtins
import gc
import importlib.machinery
import importlib.util
import os
import pickle
import random
import signal
import socket
import sys
import threading
import traceback
import types

import _ouro_wire as wire

_children = []
_spares = []  # forked ahead of time, waiting for a file to load
_original = None  # SourceFileLoader.exec_module as it was before install()
inside = False  # True in a candidate's own process


class CandidateError(RuntimeError):
    """An exception of the candidate's own type, or its process ended or was stopped."""


def install(root, spares=1):
    """From now on, a Python source file under `root` (the candidate's folder) is run apart when
    imported. `spares` processes are forked now, while the sandbox waits for its candidate, so that
    the first imports do not pay for a fork."""
    root = os.path.join(os.path.realpath(root), "")
    loader_class = importlib.machinery.SourceFileLoader
    original = loader_class.exec_module

    def exec_module(loader, module):
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or getattr(loader, "path", None)
        # In the candidate's own process, its other files load there as usual.
        if inside or not isinstance(origin, str) or not os.path.realpath(origin).startswith(root):
            return original(loader, module)
        return _load_apart(module, origin)

    loader_class.exec_module = exec_module
    global _original
    _original = original
    _spares.extend(_fork(original) for _ in range(spares))
    if spares:
        # After a fork, each page either process writes is copied on first write. A collection touches
        # most of the heap, so those copies are made now, while the sandbox waits, not during the evaluation.
        gc.collect()


def stop_all(reason):
    """Kills every candidate process; later use of their objects raises CandidateError(reason)."""
    while _children:
        _children.pop().end(reason)


def _fork(original):
    """A process forked from this one, ready to load a candidate file when asked."""
    ours, theirs = socket.socketpair()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or the child would print what is buffered here a second time
    pid = os.fork()
    if pid == 0:
        _child_main(theirs, ours, original)
    theirs.close()
    return _Child(pid, ours, "candidate")


def _load_apart(module, origin):
    child = _spares.pop(0) if _spares else _fork(_original)
    child.label = label = os.path.basename(origin)
    _children.append(child)
    # What the evaluator set up that an import in this process would see: where imports come from,
    # the folder, and the random generators' states (a seeded evaluator gets a seeded candidate).
    state = {"path": [entry for entry in sys.path if isinstance(entry, str)], "cwd": os.getcwd(), "random": random.getstate()}
    numpy_random = sys.modules.get("numpy.random")  # only once used: importing it costs tens of milliseconds
    if numpy_random is not None:
        state["numpy"] = numpy_random.get_state()
    # Pickled: only the candidate's process unpickles it, and it comes from here. Nothing here ever
    # unpickles what that process sends back.
    state = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    names = child.exchange({"op": "load", "ref": 0, "args": [], "name": module.__name__, "origin": origin, "state": state})
    if not isinstance(names, dict):
        child.end(f"{label}: the candidate's process sent a malformed answer")
        raise CandidateError(child.ended)
    module.__class__ = _ApartModule
    vars(module)["__ouro_apart__"] = (child, 1)
    for name, value in names.items():
        if isinstance(name, str) and not (name.startswith("__") and name.endswith("__")):
            vars(module)[name] = value


class _Child:
    def __init__(self, pid, sock, label):
        self.pid, self.sock, self.label = pid, sock, label
        self.lock = threading.Lock()
        self.ended = None
        self.reaped = False  # once waited for, its pid may belong to another process: never signal it again
        self.stopped = False

    def exchange(self, request):
        """Sends `request` (None: only wait for the first message) and returns the answer's value."""
        with self.lock:
            if self.ended is not None:
                raise CandidateError(self.ended)
            payload = None if request is None else wire.pack(request, _reference)
            try:
                if payload is not None:
                    self.stopped = False
                    os.kill(self.pid, signal.SIGCONT)
                    self.sock.sendall(payload)
                answer = wire.receive(self.sock, self._remote)
            except EOFError:
                self._reap(f"{self.label}: the candidate's process {self._status()} before it answered")
                raise CandidateError(self.ended) from None
            except BaseException as error:  # a timeout the evaluator raised while waiting, or a malformed answer
                self.end(f"{self.label}: the candidate's process was killed after {type(error).__name__} while waiting on it")
                if isinstance(error, (ValueError, TypeError, RecursionError, MemoryError, KeyError, IndexError)):
                    raise CandidateError(f"{self.label}: the candidate's process sent a malformed answer ({error})") from None
                raise
            self._pause()
        if isinstance(answer, dict) and "ok" in answer:
            return answer["ok"]
        raised = answer.get("raise") if isinstance(answer, dict) else None
        if isinstance(raised, list) and len(raised) == 4 and all(isinstance(part, str) for part in raised):
            raise _rebuild(*raised)
        raise CandidateError(f"{self.label}: the candidate's process sent a malformed answer")

    def _pause(self):
        try:
            os.kill(self.pid, signal.SIGSTOP)
            _, status = os.waitpid(self.pid, os.WUNTRACED)
        except (ProcessLookupError, ChildProcessError):
            self.reaped = True
            return
        if not os.WIFSTOPPED(status):  # it ended on its own right after answering
            self.reaped = True
            self.ended = f"{self.label}: the candidate's process {_describe(status)}"
        else:
            self.stopped = True

    def _status(self):
        self.reaped = True
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return "ended"
        return _describe(status)

    def _reap(self, reason):
        self.ended = reason
        self.sock.close()

    def end(self, reason):
        if self.ended is None:
            self.ended = reason
        if not self.reaped:
            self.reaped = True
            try:
                os.kill(self.pid, signal.SIGKILL)
                # A stopped process runs nothing more once killed; only a running one is waited for
                # (tearing down a process as large as numpy's costs milliseconds).
                if not self.stopped:
                    os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self.sock.close()

    def _remote(self, data):
        kind = _RemoteCallable if data.get("call") else _Remote
        remote = kind.__new__(kind)
        object.__setattr__(remote, "_ouro", (self, data["$ref"], str(data.get("type"))))
        name = data.get("name")
        if isinstance(name, str):
            object.__setattr__(remote, "__name__", name)
            object.__setattr__(remote, "__qualname__", name)
        return remote


def _describe(status):
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"was killed by signal {number} ({signal.Signals(number).name})"
        except ValueError:
            return f"was killed by signal {number}"
    return f"exited with code {os.waitstatus_to_exitcode(status)}"


def _reference(value):
    """How a request refers to an object of the candidate's process; anything else stays here."""
    if isinstance(value, _Remote):
        return {"$ref": object.__getattribute__(value, "_ouro")[1]}
    raise wire.Unsendable(f"{type(value).__name__} (only plain data can be passed to the candidate's process)")


def _rebuild(name, module, message, trace):
    kind = getattr(builtins, name, None) if module == "builtins" else None
    error = None
    if isinstance(kind, type) and issubclass(kind, BaseException):
        try:
            error = kind(message)
        except Exception:
            error = None
    if error is None:
        error = CandidateError(f"{name}: {message}")
    if hasattr(error, "add_note"):
        error.add_note(f"Raised in the candidate's process:\n{trace}")
    return error


class _Remote:
    """An object that lives in the candidate's process."""

    def _ask(self, op, *args, **fields):
        child, ref, _ = object.__getattribute__(self, "_ouro")
        return child.exchange(dict(fields, op=op, ref=ref, args=list(args)))

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name, value):
        self._ask("setattr", value, name=name)

    def __repr__(self):
        return self._ask("repr")

    def __str__(self):
        return self._ask("str")

    def __bool__(self):
        return self._ask("bool")

    def __len__(self):
        return self._ask("len")

    def __getitem__(self, key):
        return self._ask("getitem", key)

    def __setitem__(self, key, value):
        self._ask("setitem", key, value)

    def __contains__(self, item):
        return self._ask("contains", item)

    def __iter__(self):
        return self._ask("iter")

    def __next__(self):
        return self._ask("next")


class _RemoteCallable(_Remote):
    def __call__(self, *args, **kwargs):
        return self._ask("call", *args, kwargs=kwargs)


class _ApartModule(types.ModuleType):
    """The evaluator's view of a candidate module: names it set later are fetched, and names the
    evaluator sets are set in the candidate's process too."""

    def __getattr__(self, name):
        apart = vars(self).get("__ouro_apart__")
        if apart is None or (name.startswith("__") and name.endswith("__")):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        child, ref = apart
        return child.exchange({"op": "getattr", "ref": ref, "args": [], "name": name})

    def __setattr__(self, name, value):
        types.ModuleType.__setattr__(self, name, value)
        apart = vars(self).get("__ouro_apart__")
        if apart is not None and not (name.startswith("__") and name.endswith("__")):
            child, ref = apart
            child.exchange({"op": "setattr", "ref": ref, "args": [value], "name": name})


# ---- in the candidate's process ----

_OPERATIONS = {
    "call": lambda target, args, request: target(*args, **request.get("kwargs", {})),
    "getattr": lambda target, args, request: getattr(target, request["name"]),
    "setattr": lambda target, args, request: setattr(target, request["name"], args[0]),
    "repr": lambda target, args, request: repr(target),
    "str": lambda target, args, request: str(target),
    "bool": lambda target, args, request: bool(target),
    "len": lambda target, args, request: len(target),
    "getitem": lambda target, args, request: target[args[0]],
    "setitem": lambda target, args, request: target.__setitem__(args[0], args[1]),
    "contains": lambda target, args, request: args[0] in target,
    "iter": lambda target, args, request: iter(target),
    "next": lambda target, args, request: next(target),
}


def _child_main(sock, other, original):
    """Never returns: waits for the file to load, loads it, then answers requests until the
    evaluator's end closes."""
    global inside
    inside = True
    try:
        other.close()
        _only_descriptors(sock.fileno())
        try:
            import _ouro_seccomp

            _ouro_seccomp.apply()
        except (OSError, AttributeError, ImportError) as error:
            print(f"ouro harness: the candidate's process may start others (no seccomp filter: {error})", file=sys.stderr)
        table, ids = {}, {}

        def refer(value):
            ref = ids.get(id(value))
            if ref is None:
                ref = ids[id(value)] = len(table) + 1
                table[ref] = value
            name = getattr(value, "__name__", None)
            return {"$ref": ref, "type": type(value).__name__, "call": callable(value), "name": name if isinstance(name, str) else None}

        def resolve(data):
            return table[data["$ref"]]

        try:
            request = wire.receive(sock, resolve)
        except EOFError:
            os._exit(0)  # not needed: the evaluation ended without it
        try:
            module = _load_here(request, original)
            refer(module)  # ref 1
            namespace = {name: value for name, value in vars(module).items() if not (name.startswith("__") and name.endswith("__"))}
            answer = {"ok": namespace}
        except BaseException as error:
            answer = {"raise": _raised(error)}
        _answer(sock, answer, refer)
        while True:
            try:
                request = wire.receive(sock, resolve)
            except EOFError:
                break
            try:
                answer = {"ok": _OPERATIONS[request["op"]](table[request["ref"]], request["args"], request)}
            except BaseException as error:
                answer = {"raise": _raised(error)}
            _answer(sock, answer, refer)
    except BaseException:
        traceback.print_exc()
        os._exit(70)
    finally:
        os._exit(0)


def _load_here(request, original):
    state = pickle.loads(request["state"])
    sys.path[:] = state["path"]
    try:
        os.chdir(state["cwd"])
    except OSError:
        pass
    random.setstate(state["random"])
    # Only when numpy.random is already loaded here: importing it costs tens of milliseconds. (If the
    # evaluator loaded it after this process was forked, a candidate that seeds nothing gets fresh state.)
    if "numpy" in state and "numpy.random" in sys.modules:
        sys.modules["numpy.random"].set_state(state["numpy"])
    spec = importlib.util.spec_from_file_location(request["name"], request["origin"])
    module = importlib.util.module_from_spec(spec)
    original(spec.loader, module)
    return module


def _answer(sock, answer, refer):
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()  # the candidate's prints, before it is stopped or killed
        except (OSError, ValueError):
            pass
    try:
        payload = wire.pack(answer, refer)
    except BaseException as error:  # data too deep for JSON, say
        payload = wire.pack({"raise": _raised(error)})
    sock.sendall(payload)


def _only_descriptors(keep):
    """Closes every descriptor but stdout, stderr and `keep` (the harness's channel among them);
    stdin reads nothing."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd != keep:
            try:
                os.close(fd)
            except OSError:
                pass
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)


def _raised(error):
    try:
        message = str(error)
    except BaseException:
        message = f"<{type(error).__name__} whose message could not be shown>"
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    trace = "".join(lines[-8:])[-3000:]
    return [type(error).__name__, type(error).__module__, message, trace]
