"""The supervisor of a Python evaluator's sandbox, started by the host (evaluators.ts) as
`python -I -S -B harness.py <spec JSON> [--check]` (no site: it imports nothing beyond the standard library) before the candidate exists.

It starts the evaluation process (evaluation.py), which imports the evaluator ahead of time, then
waits on stdin for one request line. It hands the request, without its nonce, to the evaluation
process, and relays that process's stage lines to the host on a private copy of stdout, each with
the nonce, then `{"type": "done"}` or how the evaluation ended. The candidate runs in the
evaluation process only: it can reach neither this channel nor the nonce, because this process is
made undumpable (its /proc/<pid>/fd and mem are closed to the same uid).

The host trusts none of it: it enforces the time limit by killing the process group, checks every
result again, and applies the score range in its own process.
"""

import json
import os
import signal
import sys


def main():
    spec_text = sys.argv[1]
    channel = os.dup(1)
    os.dup2(2, 1)  # print() writes to stderr; only this process writes on `channel`
    write, dumps = os.write, json.dumps

    def send(nonce, message):
        write(channel, (dumps(dict(message, nonce=nonce)) + "\n").encode("utf-8"))

    _undumpable()
    requests, request_writer = os.pipe()
    results, result_writer = os.pipe()
    worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "evaluation.py")
    for fd in (requests, result_writer):
        os.set_inheritable(fd, True)
    # posix_spawn rather than subprocess: importing subprocess costs this process more than the spawn.
    null = os.open(os.devnull, os.O_RDONLY)
    child = os.posix_spawn(
        sys.executable,
        [sys.executable, "-I", "-B", worker, spec_text, str(requests), str(result_writer)],
        dict(os.environ),
        file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_CLOSE, channel), (os.POSIX_SPAWN_CLOSE, request_writer),
                      (os.POSIX_SPAWN_CLOSE, results)],
    )
    os.close(null)
    os.close(requests)
    os.close(result_writer)
    lines = os.fdopen(results, "rb")
    first = _read(lines)
    if first is None or first.get("type") != "ready":
        message = first if first is not None and first.get("type") == "load-error" else None
        error = message["error"] if message else "the evaluation process ended while loading: " + _ended(_wait(child))
        send("", {"type": "load-error", "error": str(error)})
        os._exit(0)
    names = [str(name) for name in first.get("stages", [])]
    if sys.argv[2:] == ["--check"]:
        send("", {"type": "ready", "stages": names})
        os.kill(child, signal.SIGKILL)
        os._exit(0)
    line = sys.stdin.buffer.readline()
    if not line:
        os.kill(child, signal.SIGKILL)
        os._exit(0)  # the host discarded this sandbox unused
    request = json.loads(line)
    nonce = request.pop("nonce")
    with os.fdopen(request_writer, "wb") as pipe:
        pipe.write((json.dumps(request) + "\n").encode("utf-8"))
    _relay(lines, child, names, lambda message: send(nonce, message))
    os._exit(0)


def _read(lines):
    raw = lines.readline()
    if not raw:
        return None
    try:
        message = json.loads(raw)
    except ValueError:
        return {"type": "malformed"}
    return message if isinstance(message, dict) else {"type": "malformed"}


def _undumpable():
    """Closes this process's /proc/<pid>/fd and /proc/<pid>/mem to processes of the same uid, so
    that the evaluation process (same uid) cannot reach the channel or read the nonce through them."""
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE, 0
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE) failed")
    except (OSError, AttributeError) as error:
        print(f"ouro harness: cannot make the supervisor undumpable: {error}", file=sys.stderr)


def _relay(lines, child, names, send):
    """Forwards the evaluation process's stage lines, in order and well formed, then says how it ended."""
    finished = False
    expected = 0
    for raw in lines:
        try:
            message = json.loads(raw)
        except ValueError:
            message = None
        if finished or not isinstance(message, dict):
            send({"type": "stage", "stage": "?", "status": "invalid", "error": "the evaluation process wrote a malformed line"})
            return
        if message.get("type") == "finished":
            finished = True
            continue
        if message.get("type") != "stage" or expected >= len(names) or message.get("stage") != names[expected]:
            send({"type": "stage", "stage": "?", "status": "invalid", "error": "the evaluation process reported stages out of order"})
            return
        expected += 1
        send({key: message.get(key) for key in ("type", "stage", "status", "result", "error") if key in message})
    status = _wait(child)
    if finished and status == 0:
        send({"type": "done"})
    else:
        send({"type": "crash", "error": _ended(status)})


def _wait(child):
    """The child's exit code, or minus the number of the signal that killed it."""
    _, status = os.waitpid(child, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _ended(status):
    """How the evaluation process ended: its exit code, or minus the number of the signal that killed it."""
    if status < 0:
        return f"the evaluation was killed by {_signal_name(-status)}"
    return f"the evaluation exited with code {status} before it reported a result"


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


if __name__ == "__main__":
    main()
