"""How Ouroboros reads a Python evaluator, by protocol: its stages, and its results turned into the
host's JSON. Part of the sandboxed harness (harness.py); the name keeps it apart from
any module of the user's.

- ouro: `evaluate(program_path, context)` returns a dict (score, metrics, private_metrics, features,
  feedback, artifacts, instances); optional `STAGES`, a list of {name, evaluate, threshold}.
- openevolve: `evaluate(program_path)` returns a dict or an `EvaluationResult(metrics, artifacts)`;
  with cascade thresholds, `evaluate_stage1/2/3` run in turn.
- shinka: `main(program_path, results_dir)` writes metrics.json and correct.json.
"""

import importlib.util
import inspect
import json
import math
import os
import sys
import tempfile
import traceback

# Python ints and floats only: a bool is an int to Python, but never a metric here.
_NUMBER_TYPES = (int, float)


class LoadError(Exception):
    """The evaluator loaded but cannot be used as it is; the message names the file and what is expected."""


class Invalid(Exception):
    """The evaluator's result cannot be read; the message says why."""


def load(path):
    loader_spec = importlib.util.spec_from_file_location("evaluator", path)
    if loader_spec is None:
        raise LoadError(f"{path} cannot be imported as a Python module")
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules["evaluator"] = module
    loader_spec.loader.exec_module(module)
    return module


def stages_of(module, spec, path):
    """[(name, call(program, context) -> result, threshold or None)] in order, for the protocol."""
    protocol = spec["protocol"]
    if protocol == "openevolve":
        return _openevolve_stages(module, spec.get("cascade_thresholds"), path)
    if protocol == "shinka":
        main = _function(module, "main", path, "main(program_path, results_dir) that writes metrics.json")
        return [("final", lambda program, context: _shinka(main, program), None)]
    return _ouro_stages(module, path)


def _function(module, name, path, expected):
    value = getattr(module, name, None)
    if not callable(value):
        found = "not defined" if value is None else f"a {type(value).__name__}, not a function"
        raise LoadError(f"{path}: {name} is {found}; expected {expected}")
    return value


def _ouro_stages(module, path):
    final = _function(module, "evaluate", path, "evaluate(program_path, context) returning a dict with a score")
    stages = []
    for index, entry in enumerate(getattr(module, "STAGES", None) or []):
        where = f"{path}: STAGES[{index}]"
        if not isinstance(entry, dict) or not callable(entry.get("evaluate")) or not isinstance(entry.get("name"), str):
            raise LoadError(f"{where} must be a dict {{'name': str, 'evaluate': function, 'threshold': number}}")
        threshold = entry.get("threshold")
        if type(threshold) not in _NUMBER_TYPES or not math.isfinite(threshold):
            raise LoadError(f"{where}['threshold'] must be a finite number")
        if entry["name"] == "final" or any(entry["name"] == name for name, _, _ in stages):
            raise LoadError(f"{where}['name'] {entry['name']!r} is used twice (\"final\" is the evaluate function's)")
        stages.append((entry["name"], _ouro_call(entry["evaluate"]), threshold))
    stages.append(("final", _ouro_call(final), None))
    return stages


def _ouro_call(function):
    takes_context = _positional_count(function) >= 2

    def call(program, context):
        return _ouro_result(function(program, context) if takes_context else function(program))

    return call


def _positional_count(function):
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 2
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(parameter.kind == inspect.Parameter.VAR_POSITIONAL for parameter in parameters):
        return 2
    return sum(1 for parameter in parameters if parameter.kind in kinds)


def _openevolve_stages(module, thresholds, path):
    if thresholds is None or not callable(getattr(module, "evaluate_stage1", None)):
        final = _function(module, "evaluate", path, "evaluate(program_path) returning a dict or EvaluationResult")
        return [("final", lambda program, context: _openevolve_result(final(program)), None)]
    stages = []
    for number in (1, 2, 3):
        function = getattr(module, f"evaluate_stage{number}", None)
        if not callable(function):
            break
        threshold = thresholds[number - 1] if number - 1 < len(thresholds) else None
        stages.append((f"stage{number}", _openevolve_call(function), threshold))
    stages[-1] = (stages[-1][0], stages[-1][1], None)  # the last stage ends the cascade whatever its score
    return stages


def _openevolve_call(function):
    return lambda program, context: _openevolve_result(function(program))


def _openevolve_result(value):
    """A dict of metrics or an EvaluationResult(metrics, artifacts) -> the host's result."""
    artifacts = {}
    if not isinstance(value, dict) and isinstance(getattr(value, "metrics", None), dict):
        artifacts = getattr(value, "artifacts", None) or {}
        if not isinstance(artifacts, dict):
            raise Invalid(f"EvaluationResult.artifacts is a {type(artifacts).__name__}, expected a dict")
        value = value.metrics
    if not isinstance(value, dict):
        raise Invalid(f"evaluate returned a {type(value).__name__}, expected a dict or EvaluationResult(metrics, artifacts)")
    metrics, extras = _split_metrics(value, "metrics")
    if "combined_score" in value:
        score = value["combined_score"]
        if type(score) not in _NUMBER_TYPES:
            raise Invalid(f"combined_score is {_show(score)}, expected a number")
        if not math.isfinite(score):
            raise Invalid(f"combined_score is {score}")
    else:
        # OpenEvolve's documented fallback: the mean of the numeric metrics (booleans left out here).
        numbers = [number for number in metrics.values()]
        if not numbers:
            raise Invalid("the result has no combined_score and no numeric metric to average")
        score = sum(numbers) / len(numbers)
    result = {"score": float(score), "metrics": metrics, "artifacts": {**extras, **_artifacts(artifacts)}}
    error = value.get("error")
    if isinstance(error, str) and error:
        if "No module named" in error:
            error += f"\n(hint: the sandbox's Python, {sys.executable}, lacks that module; name one that has it with --python)"
        result["feedback"] = error
    return result


def merge(merged, result):
    merged.setdefault("metrics", {}).update(result.get("metrics", {}))
    merged.setdefault("artifacts", {}).update(result.get("artifacts", {}))
    combined = dict(result, metrics=dict(merged["metrics"]), artifacts=dict(merged["artifacts"]))
    return combined


def _shinka(main, program):
    results = tempfile.mkdtemp(prefix="results-")
    threads = _thread_count()
    main(program, results)
    if _thread_count() > threads:
        # Such a thread could rewrite metrics.json between main's return and the read below.
        raise Invalid("the candidate left threads running after main() returned, so metrics.json cannot be trusted")
    correct = _read_json(os.path.join(results, "correct.json"), required=False)
    metrics = _read_json(os.path.join(results, "metrics.json"), required=True)
    if not isinstance(metrics, dict):
        raise Invalid(f"metrics.json holds a {type(metrics).__name__}, expected an object")
    if isinstance(correct, dict) and correct.get("correct") is False:
        raise Invalid(f"incorrect: {correct.get('error') or 'correct.json says the result is not correct (no error given)'}")
    score = metrics.get("combined_score")
    if type(score) not in _NUMBER_TYPES or not math.isfinite(score):
        raise Invalid(f"metrics.json: combined_score is {_show(score)}, expected a finite number")
    public, public_extras = _split_metrics(metrics.get("public") or {}, "public")
    private, _ = _split_metrics(metrics.get("private") or {}, "private")
    feedback = metrics.get("text_feedback")
    result = {"score": float(score), "metrics": public, "privateMetrics": private, "artifacts": public_extras}
    if isinstance(feedback, str):
        result["feedback"] = feedback
    return result


def _thread_count():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


def _read_json(path, required):
    if not os.path.isfile(path):
        if required:
            raise Invalid(f"main() wrote no {os.path.basename(path)} in results_dir")
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except ValueError as error:
        raise Invalid(f"{os.path.basename(path)} is not valid JSON: {error}") from None


def _split_metrics(values, name):
    """Numbers become metrics; everything else (text, booleans, lists) is kept as an artifact."""
    if not isinstance(values, dict):
        raise Invalid(f"{name} is a {type(values).__name__}, expected a dict")
    metrics, extras = {}, {}
    for key, value in values.items():
        key = str(key)
        if type(value) in _NUMBER_TYPES or _numpy_number(value):
            number = float(value)
            if math.isfinite(number):
                metrics[key] = number
            else:
                extras[key] = str(number)
        else:
            extras[key] = plain(value)
    return metrics, extras


def _numpy_number(value):
    kind = type(value)
    return kind.__module__ == "numpy" and kind.__name__.startswith(("float", "int", "uint")) and hasattr(value, "item")


def _ouro_result(value):
    if not isinstance(value, dict):
        raise Invalid(f"evaluate returned a {type(value).__name__}, expected a dict such as {{'score': 0.5}}")
    result = {}
    for key, value in value.items():
        if key == "score":
            value = float(value) if _numpy_number(value) else value
            if type(value) in _NUMBER_TYPES and not math.isfinite(value):
                raise Invalid(f"score is {value}")
            result["score"] = value
        elif key in ("metrics", "features", "instances", "private_metrics"):
            if not isinstance(value, dict):
                raise Invalid(f"{key} is a {type(value).__name__}, expected a dict of numbers")
            numbers = {str(name): float(number) if _numpy_number(number) else number for name, number in value.items()}
            result[_HOST_KEYS.get(key, key)] = numbers
        elif key == "artifacts":
            result[key] = _artifacts(value or {})
        elif key == "feedback":
            result[key] = value
        else:
            raise Invalid(f"unknown result key {key!r}: expected score, metrics, private_metrics, features, feedback, artifacts, instances")
    return result


_HOST_KEYS = {"private_metrics": "privateMetrics"}


def _artifacts(values):
    return {str(key): plain(value) for key, value in values.items()}


def plain(value):
    """JSON-able data: bytes become text, numpy arrays lists, anything else its repr."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if value is None or isinstance(value, (str, bool)):
        return value
    if type(value) in _NUMBER_TYPES or _numpy_number(value):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if hasattr(value, "tolist") and callable(value.tolist):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return repr(value)


def _show(value):
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}"


def describe(error):
    """The exception and the last frames of its traceback, as Python prints them."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    text = "".join(lines[-6:]).strip()
    text = text if len(text) < 4000 else text[-4000:]
    if isinstance(error, ModuleNotFoundError):
        text += f"\n(hint: the sandbox's Python, {sys.executable}, has no module {error.name!r}; name one that has it with --python)"
    return text



def load_failure(path):
    error = sys.exc_info()[1]
    text = describe(error)
    if isinstance(error, ModuleNotFoundError):
        text += (
            f"\nThe sandbox's Python ({sys.executable}) lacks the module {error.name!r}: install it there, or name an"
            " interpreter that has it with --python <path> (or `python:` in the config)"
        )
    return f"evaluator {path} failed to import: {text}"
