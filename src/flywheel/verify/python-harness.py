# Runs a flywheel task's Python tests against a sample's solution.py, inside the process-tier
# sandbox, and prints one result line that the host trusts only when it carries the run's key.
#
# The key and the tests arrive on stdin, which is read to its end before any candidate code runs;
# neither is written to disk, so the solution cannot open the tests to read the expected values.
# Everything used after candidate code has run is captured first, as locals of main() (builtins
# and this module's globals can be patched by the candidate; a running frame's locals cannot), and
# the tests to run are found in the source before it runs, so that a solution that deletes or swaps
# the test functions fails them. The candidate shares this interpreter, so code that walks the
# interpreter's own objects (gc, frames, closure cells) can still find the key or change the
# record: this stops accidents and casual forgery, not a determined attack.
import ast
import asyncio
import builtins
import json
import os
import sys
import traceback

MESSAGE_LIMIT = 500
FAILURES_KEPT = 20


def main():
    write, dumps, exit_now, dup = os.write, json.dumps, os._exit, os.dup
    text_of, type_of, length, is_instance, is_callable, attribute = str, type, len, isinstance, callable, getattr
    compile_code, execute, parse, walk = compile, exec, ast.parse, traceback.walk_tb
    function_defs, async_def, run_coroutine = (ast.FunctionDef, ast.AsyncFunctionDef), ast.AsyncFunctionDef, asyncio.run

    def describe(error, file_name, lines):
        """One line: the exception, its message, and the test file's line that raised it."""
        try:
            kind = type_of(error).__name__
            message = text_of(error)
        except BaseException:  # a candidate's exception whose __str__ fails
            kind, message = 'Exception', '(an exception that cannot be printed)'
        where = ''
        try:
            for frame, line in walk(error.__traceback__):
                if frame.f_code.co_filename == file_name and 0 < line <= length(lines):
                    where = ' at line %d: %s' % (line, lines[line - 1].strip())
        except BaseException:
            where = ''
        head = kind if message == '' else '%s: %s' % (kind, message)
        return (head + where)[:MESSAGE_LIMIT]

    def run_file(file_name, source, outcomes):
        """Runs one test file: each top-level test_* function is a test; a file without any is one test."""
        module_name = file_name[:-3] if file_name.endswith('.py') else file_name
        namespace = {'__name__': module_name, '__file__': file_name, '__builtins__': builtins}
        lines = source.splitlines()
        try:
            tree = parse(source, file_name)
            tests = []
            for node in tree.body:
                if is_instance(node, function_defs) and node.name.startswith('test'):
                    tests = [entry for entry in tests if entry[0] != node.name] + [(node.name, is_instance(node, async_def))]
            execute(compile_code(tree, file_name, 'exec'), namespace)
        except BaseException as error:
            outcomes.append((file_name, False, describe(error, file_name, lines)))
            return
        if not tests:
            outcomes.append((file_name, True, None))
            return
        for name, is_async in tests:
            label = '%s::%s' % (file_name, name)
            function = namespace.get(name)
            code = attribute(function, '__code__', None)
            if not is_callable(function) or code is None or code.co_filename != file_name or code.co_name != name:
                outcomes.append((label, False, 'the test function was removed or replaced while the tests ran'))
                continue
            try:
                if is_async:
                    run_coroutine(function())
                else:
                    function()
                outcomes.append((label, True, None))
            except BaseException as error:
                outcomes.append((label, False, describe(error, file_name, lines)))

    spec = json.loads(sys.stdin.buffer.read().decode('utf-8'))
    result_fd = dup(1)
    prefix = ('@@ouro-result:%s:' % spec['key']).encode('utf-8')
    tests = spec['tests']
    spec.clear()
    sys.path.insert(0, os.getcwd())
    sys.dont_write_bytecode = True
    outcomes = []
    for file_name, source in tests:
        run_file(file_name, source, outcomes)
    failures = [{'name': name, 'message': message} for name, ok, message in outcomes if not ok]
    total = length(outcomes)
    report = {'passed': total - length(failures), 'total': total, 'failures': failures[:FAILURES_KEPT]}
    line = prefix + dumps(report).encode('utf-8') + b'\n'
    written = 0
    while written < length(line):
        written += write(result_fd, line[written:])
    exit_now(0)


main()
