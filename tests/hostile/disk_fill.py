# Attack: fill the scratch folder with files of 32 MiB (under the per-file
# limit) until a write fails, then say how much was written.  The scratch
# folder's cap must stop it (2 GiB at most if nothing does), costing only
# this exercise.
_circular_mse_of_the_reference = circular_mse


def circular_mse(*args, **kwargs):
    total, chunk = 0, b"x" * (32 << 20)
    try:
        for index in range(64):
            with open(f"fill_{index}.bin", "wb") as handle:
                handle.write(chunk)
            total += len(chunk)
    except OSError as exc:
        raise OSError(f"wrote {total >> 20} MiB, then {exc.strerror}") from None
    return _circular_mse_of_the_reference(*args, **kwargs)
