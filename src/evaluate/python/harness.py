"""Runs a Python evaluator on one candidate, inside the process tier's sandbox.

Started by the host (evaluators.ts) as `python -I -B harness.py <spec JSON> [--check]` before the
candidate exists: it imports the evaluator (numpy and all) ahead of time, notes what the candidate
must leave alone, makes itself undumpable and waits on stdin for one request line. Then it runs the
evaluator's stages on the candidate's files in the working folder, and writes one JSON line per
stage, then `{"type": "done"}`, each with the request's nonce, on a private copy of stdout; the
evaluator's and the candidate's prints go to stderr. It exits at once after the last line, so that
nothing the candidate left behind (threads, atexit hooks) runs after it.

A candidate file the evaluator imports runs in a process of its own (_ouro_apart.py); exec, eval
or runpy of the candidate's file or text is refused; code the evaluator derives from that text and
execs here shares this process, with the in-process defences below: see "The candidate runs in a
process of its own" in the README. The host trusts none of it: it enforces the time limit by
killing the process group, checks every result again and applies the score range in its own process.
"""

import builtins
import json
import os
import sys
import types


def main():
    spec = json.loads(sys.argv[1])
    channel = os.dup(1)  # not inherited: a program the evaluator starts cannot write on it
    os.dup2(2, 1)  # print() writes to stderr; only the harness writes on `channel`
    write, dumps = os.write, json.dumps
    sys.path[:0] = [spec["lib"], os.path.dirname(spec["evaluator"])]
    import _ouro_apart as apart
    import _ouro_protocols as protocols

    def send(message, plain=protocols.plain):
        write(channel, (dumps(message, allow_nan=False, default=plain) + "\n").encode("utf-8"))

    try:
        module = protocols.load(spec["evaluator"])
        stages = protocols.stages_of(module, spec, spec["evaluator"])
    except protocols.LoadError as error:
        send({"type": "load-error", "error": str(error)})
        os._exit(0)
    except BaseException:  # the evaluator's own import failed: report it, with the hint
        send({"type": "load-error", "error": protocols.load_failure(spec["evaluator"])})
        os._exit(0)
    if sys.argv[2:] == ["--check"]:
        send({"type": "ready", "stages": [name for name, _, _ in stages]})
        os._exit(0)
    # The candidate's files, imported, run in processes of their own: a warm sandbox forks them now.
    apart.install(os.getcwd(), spares=len(stages) if spec.get("warm", True) else 0)
    # Bound now: a candidate that replaces _Watch.changes later does not change this check.
    check = _Watch(module, protocols).changes
    _undumpable()
    line = sys.stdin.buffer.readline()
    if not line:
        os._exit(0)  # the host discarded this sandbox unused
    request = json.loads(line)
    nonce = request.pop("nonce")

    def report(message):
        send(dict(message, nonce=nonce))

    _guard(*_candidate_code(request))
    _evaluate(spec, stages, check, request, report, protocols, apart)


def _candidate_code(request):
    """The candidate's folder, and the text of its files: what must not run in this process."""
    root = os.path.join(os.path.realpath(os.getcwd()), "")
    sources = set()
    for name in request.get("files", []):
        try:
            if os.path.getsize(name) <= 4 * 1024 * 1024:
                with open(name, encoding="utf-8", errors="replace") as handle:
                    sources.add(handle.read())
        except OSError:
            pass
    return root, frozenset(sources)


def _undumpable():
    """Closes this process's /proc/<pid>/fd and /proc/<pid>/mem to other processes of the same uid,
    such as a candidate the evaluator runs as a program of its own: it cannot write on the channel
    or read the nonce through them."""
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE, 0
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE) failed")
    except (OSError, AttributeError) as error:
        print(f"ouro harness: cannot make the evaluation process undumpable: {error}", file=sys.stderr)


def _evaluate(spec, stages, check, request, report, protocols, apart):
    """Runs the stages on the candidate, reports one line per stage, then `done`. Never returns."""
    program = os.path.abspath(request["program"])
    context = {
        "candidate_id": request["candidate_id"],
        "options": request["options"],
        "experiment_dir": spec["experiment_dir"],
        "genome_dir": os.getcwd(),
        "files": request["files"],
    }
    merged = {}
    for name, call, threshold in stages:
        try:
            try:
                result = call(program, dict(context, stage=name))
            finally:
                apart.stop_all(f"the candidate's process was stopped at the end of stage {name!r}: load the candidate again in each stage")
        except protocols.Invalid as invalid:
            report({"type": "stage", "stage": name, "status": "invalid", "error": str(invalid)})
            break
        except BaseException as error:  # SystemExit and KeyboardInterrupt from the candidate too
            report({"type": "stage", "stage": name, "status": "error", "error": protocols.describe(error)})
            break
        changed = check()
        if changed:
            message = "the evaluator's code or globals changed while it ran: " + ", ".join(changed[:8])
            report({"type": "stage", "stage": name, "status": "invalid", "error": message})
            break
        if spec["protocol"] == "openevolve":
            result = protocols.merge(merged, result)  # OpenEvolve's cascade keeps earlier stages' metrics
        try:
            report({"type": "stage", "stage": name, "status": "ok", "result": result})
        except (TypeError, ValueError) as error:  # NaN or infinity (JSON has neither), or a key that is not text
            report({"type": "stage", "stage": name, "status": "invalid", "error": f"the result cannot be sent as JSON: {error}"})
            break
        if threshold is not None and not result["score"] >= threshold:
            break
    report({"type": "done"})
    os._exit(0)


# Audit events (PEP 578) refused once the candidate may run: they reach other frames, every object,
# or raw memory, and a candidate needs none of them to compute an answer.
_REFUSED_EVENTS = frozenset(["sys._current_frames", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.settrace",
                             "sys.setprofile", "sys._setprofileallthreads", "sys._settraceallthreads"])
_GUARDED_MODULES = frozenset(["__main__", "evaluator", "builtins", "_ouro_protocols", "_ouro_apart", "_ouro_wire"])


_RUN_APART = (
    "refused by the Ouroboros harness: the candidate's code cannot run in the evaluator's process (exec, eval, runpy). "
    "Import it instead (importlib.util.spec_from_file_location, then spec.loader.exec_module), which runs it in a process "
    "of its own, or run it as a program with subprocess"
)


def _guard(root, sources):
    """Refuses, from now on in this process, running the candidate's code here (an import runs it
    in a process of its own, _ouro_apart; exec, eval and runpy would run it here, beside the
    harness's frames and nonce): code compiled from a file in its folder (`root`), or compiled as
    `<string>` from the text of one of its files (`sources`). Also refuses what would let code in
    this process rewrite the evaluator's or the harness's code (a function's `__code__` or
    defaults, a class's attributes) or reach other frames and raw memory. An audit hook cannot be
    removed once added."""
    refused, guarded = _REFUSED_EVENTS, _GUARDED_MODULES

    def hook(event, args, refused=refused, guarded=guarded, error=RuntimeError, getattr=getattr, str=str, type=type, callable=callable,
             getpid=os.getpid, harness=os.getpid(), root=root, sources=sources, realpath=os.path.realpath, bytes=bytes):
        if getpid() != harness:
            return  # a candidate's own process (_ouro_apart) or one the evaluator forked: nothing of the harness is there to reach
        if event == "exec" and args:
            filename = getattr(args[0], "co_filename", "")
            if isinstance(filename, str) and filename and filename[0] != "<" and realpath(filename).startswith(root):
                raise error(_RUN_APART)
            return
        if event == "compile" and len(args) == 2 and args[1] == "<string>":
            source = args[0].decode("utf-8", "replace") if isinstance(args[0], bytes) else args[0]
            if isinstance(source, str) and source in sources:
                raise error(_RUN_APART)
            return
        if event in refused or event.startswith("ctypes."):
            raise error(f"refused by the Ouroboros harness: {event}")
        if event == "open" and args and isinstance(args[0], str) and args[0].startswith("/proc/") and args[0].endswith("/mem"):
            raise error("refused by the Ouroboros harness: opening process memory")
        if event == "object.__setattr__" and len(args) == 3 and getattr(args[0], "__module__", None) in guarded:
            # A function's code or defaults, or a method, property or other callable on a class. A class
            # attribute that holds data (a cache, a counter) may still change: evaluators do that.
            target, value = args[0], args[2]
            if not isinstance(target, type) or callable(value) or hasattr(type(value), "__get__"):
                raise error(f"refused by the Ouroboros harness: changing {str(args[1])} of the evaluator's {type(target).__name__}")

    sys.addaudithook(hook)


def _names_used(namespaces):
    """Every global and attribute name in the code of the functions in these namespaces."""
    names = set()
    pending = [getattr(value, "__code__", None) for namespace in namespaces for value in namespace.values()]
    pending = [code for code in pending if isinstance(code, types.CodeType)]
    while pending:
        code = pending.pop()
        names.update(code.co_names)
        pending.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    return names


class _Watch:
    """What the candidate must leave alone while the evaluator runs it in this process: the
    evaluator's functions, classes and imported modules, its functions' code, the callables of
    the modules it imported, and the builtins. Data globals may change (counters, caches)."""

    def __init__(self, module, protocols):
        self.module = module
        self.protocols = protocols
        self.snapshot = self._take()

    def _take(self):
        seen = {}
        harness = sys.modules[__name__].__dict__
        ours = self.protocols.__dict__
        classes = []
        for prefix, namespace in (("evaluator", self.module.__dict__), ("harness", harness), ("protocols", ours)):
            for name, value in list(namespace.items()):
                if isinstance(value, type) and value.__module__ in (self.module.__name__, __name__, self.protocols.__name__):
                    classes.append((f"{prefix}.{name}", vars(value)))  # its methods and properties (a live view)
        # Of the builtins and the imported modules, only the names the evaluator's and the harness's
        # code use: checking all of numpy's would cost more than most evaluations.
        used = _names_used([self.module.__dict__, harness, ours] + [namespace for _, namespace in classes])
        namespaces = [("evaluator", self.module.__dict__, None), ("harness", harness, None), ("protocols", ours, None)]
        namespaces.append(("builtins", builtins.__dict__, used))
        namespaces += [(prefix, namespace, None) for prefix, namespace in classes]
        for name, value in list(self.module.__dict__.items()):
            if isinstance(value, types.ModuleType) and value is not builtins:
                namespaces.append((name, value.__dict__, used))
        for prefix, namespace, only in namespaces:
            for name in list(namespace) if only is None else [name for name in only if name in namespace]:
                value = namespace[name]
                if not (callable(value) or isinstance(value, types.ModuleType) or hasattr(type(value), "__get__")):
                    continue
                seen[f"{prefix}.{name}"] = (namespace, name, id(value), value)
                code = getattr(value, "__code__", None)
                if isinstance(code, types.CodeType):
                    seen[f"{prefix}.{name}.__code__"] = (value, "__code__", id(code), code)
        return seen

    # The builtins it uses are bound at definition, so that a candidate that rebinds them cannot make it lie.
    def changes(self, id=id, isinstance=isinstance, getattr=getattr, dict=dict, proxy=types.MappingProxyType, missing=object()):
        changed = []
        for label, (holder, name, identity, _) in self.snapshot.items():
            if isinstance(holder, dict):
                current = dict.get(holder, name, missing)
            elif isinstance(holder, proxy):
                current = proxy.get(holder, name, missing)
            else:
                current = getattr(holder, name, missing)
            if id(current) != identity:
                changed.append(label)
        return changed


if __name__ == "__main__":
    main()
