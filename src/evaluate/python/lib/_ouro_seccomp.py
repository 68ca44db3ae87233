"""A seccomp filter that keeps the candidate's process (see _ouro_apart) from starting processes.

Threads stay allowed (a clone with CLONE_THREAD), so numpy's BLAS threads and the candidate's own
work as before; fork, vfork, execve, a clone without CLONE_THREAD, ptrace and the cross-process
memory calls fail with EPERM, and clone3 with ENOSYS (glibc then falls back to clone). With no other
process of its own, a candidate that the harness has stopped (SIGSTOP) runs nothing at all until it
is called again. The filter is the kernel's: no Python code in the process can lift it.
"""

import struct

# Syscall numbers by audit architecture: x86_64, then aarch64 (which has no fork or vfork).
_ARCHES = {
    0xC000003E: {"fork": 57, "vfork": 58, "execve": 59, "execveat": 322, "clone": 56, "clone3": 435,
                 "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311},
    0xC00000B7: {"execve": 221, "execveat": 281, "clone": 220, "clone3": 435,
                 "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271},
}
_X32_BIT = 0x40000000
_CLONE_THREAD = 0x00010000
_ALLOW, _KILL = 0x7FFF0000, 0x80000000
_EPERM, _ENOSYS = 0x00050000 | 1, 0x00050000 | 38
# BPF opcodes: load a word at an absolute offset, jump if equal / greater or equal / any bit set, return.
_LOAD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06


def _program():
    """One program for both architectures: [load arch] [jump to the arch's block]... [kill] blocks."""
    blocks = [(arch, _block(arch, numbers)) for arch, numbers in _ARCHES.items()]
    code = [(_LOAD, 0, 0, 4)]  # seccomp_data.arch
    before = 0
    for index, (arch, block) in enumerate(blocks):
        code.append((_JEQ, len(blocks) - index + before, 0, arch))  # relative to the next instruction
        before += len(block)
    code.append((_RET, 0, 0, _KILL))  # an architecture this filter does not know
    for _, block in blocks:
        code += block
    return b"".join(struct.pack("HBBI", *instruction) for instruction in code)


def _block(arch, numbers):
    block = [(_LOAD, 0, 0, 0)]  # seccomp_data.nr
    if arch == 0xC000003E:
        block += [(_JGE, 0, 1, _X32_BIT), (_RET, 0, 0, _EPERM)]  # the x32 ABI is refused outright
    block += [(_JEQ, 0, 1, numbers["clone3"]), (_RET, 0, 0, _ENOSYS)]
    # clone: allowed with CLONE_THREAD in its flags (the low word of args[0]), refused without.
    block += [(_JEQ, 0, 4, numbers["clone"]), (_LOAD, 0, 0, 16), (_JSET, 1, 0, _CLONE_THREAD), (_RET, 0, 0, _EPERM), (_RET, 0, 0, _ALLOW)]
    for name in ("fork", "vfork", "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev"):
        if name in numbers:
            block += [(_JEQ, 0, 1, numbers[name]), (_RET, 0, 0, _EPERM)]
    return block + [(_RET, 0, 0, _ALLOW)]


def apply():
    """Installs the filter on this process, or raises OSError saying why it could not."""
    import ctypes

    program = _program()
    count = len(program) // 8
    buffer = ctypes.create_string_buffer(program, len(program))

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = Fprog(count, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
