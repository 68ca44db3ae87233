# The generic launcher of a warm sandbox: bash starts before there is any work and waits on
# stdin for the command, so that bubblewrap's and prlimit's start is paid ahead of time.
#
# Header: the number of arguments, then each argument, every field ended by a NUL byte. bash's
# read takes a pipe one byte at a time, so it stops at the header's end and the rest of stdin is
# the program's own. A header cut short means the sandbox was discarded unused.
IFS= read -r -d '' count || exit 0
case $count in '' | *[!0-9]*) echo "ouro generic launcher: bad argument count '$count'" >&2; exit 70 ;; esac
arguments=()
for ((index = 0; index < count; index++)); do
  IFS= read -r -d '' argument || exit 0
  arguments+=("$argument")
done
# bash's exec always exports SHLVL; env drops it, so the program gets exactly the sandbox's environment.
exec env -u SHLVL -- "${arguments[@]}"
