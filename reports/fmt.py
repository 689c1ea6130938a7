"""fmt: formatting shared by the report's modules: HTML escaping, gnuplot
strings, paths relative to the output folder, figures in tables."""

import html


def esc(value):
    return html.escape(str(value), quote=True)


def gp_str(text):
    """A gnuplot single-quoted string: no escapes are processed in it, a
    quote is doubled; newlines would end the command, so they go."""
    return "'" + str(text).replace("\n", " ").replace("'", "''") + "'"


def rel(path, out_dir):
    return path.relative_to(out_dir).as_posix()


def fmt_mops(v):
    if v is None:
        return "–"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def fmt_counter(v):
    if v is None:
        return ""
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v)}"
    return f"{v:.3g}"
