"""Fill the device's install parts: wheels first, then the GGUF in pieces, each part at most `--room` bytes.

A device call carries at most 64 MiB, the working tree included, so each part gets what the tree leaves (`tools/device.sh
pack` computes `--room`). Parts are written in order as `.carry/<name>/` (names from `--names`); `install` them in that
order (`bash tools/device.sh install <name>` per call): each appends its GGUF piece, and the last holds `gguf.last`.
As results/ grows the parts shrink and their number grows; a wheel larger than the room is an error.

    python tools/carry_parts.py --room 36000000 --wheels /tmp/w/*.whl --gguf model.gguf --out .carry --names b,c,d,f,h
"""
import argparse, shutil, sys
from pathlib import Path

def plan_parts(wheels: list[tuple[str, int]], gguf_size: int, room: int) -> list[dict]:
    "[{'wheels': [names], 'gguf': (start, stop)}] per part: wheels in order while they fit, then GGUF bytes to the room."
    parts, cur, left, pos = [], {'wheels': [], 'gguf': None}, room, 0
    for name, size in wheels:
        if size > room: raise ValueError(f"wheel {name} ({size} bytes) exceeds a part's room ({room} bytes)")
        if size > left: parts.append(cur); cur, left = {'wheels': [], 'gguf': None}, room
        cur['wheels'].append(name); left -= size
    while pos < gguf_size:
        if left <= 0: parts.append(cur); cur, left = {'wheels': [], 'gguf': None}, room
        take = min(left, gguf_size - pos); cur['gguf'] = (pos, pos + take); pos += take; left -= take
    parts.append(cur)
    return parts

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--room', type=int, required=True, help='bytes a part may hold')
    ap.add_argument('--wheels', nargs='*', default=[], help='wheel files, installed in this order')
    ap.add_argument('--gguf', required=True, help='the GGUF file to split after the wheels')
    ap.add_argument('--out', default='.carry', help='folder of the parts')
    # e and g1-g3 are the other carries' names (device.sh pack): the install parts skip them
    ap.add_argument('--names', default='b,c,d,f,h,i,j,k', help='part names, in install order')
    a = ap.parse_args(argv)
    names = a.names.split(',')
    try: parts = plan_parts([(w, Path(w).stat().st_size) for w in a.wheels], Path(a.gguf).stat().st_size, a.room)
    except ValueError as e: sys.exit(f"error: {e}")
    if len(parts) > len(names): sys.exit(f"error: {len(parts)} parts needed, {len(names)} names given (--names)")
    with open(a.gguf, 'rb') as g:
        for name, p in zip(names, parts):
            d = Path(a.out) / name; shutil.rmtree(d, ignore_errors=True); d.mkdir(parents=True)
            for w in p['wheels']: shutil.copy(w, d / Path(w).name)
            if p['gguf']:
                g.seek(p['gguf'][0]); (d / 'gguf.part').write_bytes(g.read(p['gguf'][1] - p['gguf'][0]))
    (Path(a.out) / names[len(parts) - 1] / 'gguf.last').touch()
    print('install order:', ' '.join(names[:len(parts)]))

if __name__ == '__main__':
    main()
