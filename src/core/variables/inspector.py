"""Jupyter Remote's variable inspector, run inside the kernel.

Installed as a module of its own (sys.modules['_jupyter_remote_inspector']), never into the person's
namespace, and called by an execute request's user expression: `run('<json>')` answers an object
whose repr is the JSON answer. It may run on a kernel subshell while a cell runs on the main thread,
so it only reads, and it never calls the person's own code: no repr, str, len, comparison or
attribute hook of an object it does not know. Values it knows (builtins, numpy, pandas, polars) it
describes itself; anything else is its type's name. Every preview is capped.
"""
import json
import math
import types

PREVIEW = 120  # characters of a value's preview
ITEMS = 8  # items of a container shown in its preview
CELL = 200  # characters of one table cell
PAGE = 500  # most names, items or rows in one answer
IPYTHON_NAMES = {'In', 'Out', 'exit', 'quit', 'get_ipython', 'open'}


class Answer:
    """What `run` returns: IPython's formatter prints it with this repr, which is the JSON."""

    def __init__(self, payload):
        self.text = json.dumps(payload, allow_nan=False, default=str)

    def __repr__(self):
        return self.text


def run(request):
    try:
        args = json.loads(request)
        return Answer({'ok': HANDLERS[args['op']](args)})
    except Exception as e:  # the answer says what went wrong, in one line
        return Answer({'error': f'{type(e).__name__}: {e}'[:300]})


# -- what a value is, without calling it ------------------------------------------------------

def _type_name(obj):
    t = type(obj)
    module = t.__module__ or 'builtins'
    known = module in ('builtins', '__main__') or module.split('.')[0] in ('numpy', 'pandas', 'polars')
    return t.__qualname__ if known else f'{module}.{t.__qualname__}'


def _a(obj, *classes):
    """isinstance without asking the object: isinstance may read a __class__ property of the person's."""
    return issubclass(type(obj), classes)


def _is(obj, module, *names):
    t = type(obj)
    return t.__module__.split('.')[0] == module and any(c.__name__ in names for c in t.__mro__)


def _cut(text, limit=PREVIEW):
    return text if len(text) <= limit else text[: limit - 1] + '…'


def _kind(name, obj, hidden):
    if name in hidden or name in IPYTHON_NAMES or name.startswith('_'):
        return 'ipython'
    if _a(obj, types.ModuleType):
        return 'module'
    if _a(obj, type):
        return 'class'
    if _a(obj, *FUNCTIONS):
        return 'function'
    return 'data'


SCALARS = (bool, int, float, complex, type(None))
FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.BuiltinMethodType)


def _scalar(obj, limit):
    if isinstance(obj, int) and not isinstance(obj, bool) and obj.bit_length() > 3000:
        return f'<int of {obj.bit_length()} bits>'
    return _cut(repr(obj), limit)  # builtins' own repr: exact types only (see _preview)


def _preview(obj, limit=PREVIEW, depth=0):
    """A short text for the value, from what we know of its type; never the object's own repr."""
    t = type(obj)
    if t in SCALARS:
        return _scalar(obj, limit)
    if t is str:
        return _cut(repr(obj[: limit + 1]), limit)
    if t in (bytes, bytearray):
        return _cut(repr(obj[: limit + 1]), limit)
    if t in (list, tuple, set, frozenset, dict):
        if depth >= 2:
            return {list: '[…]', tuple: '(…)', dict: '{…}'}.get(t, '{…}')
        parts, used = [], 2
        items = obj.items() if t is dict else obj
        for i, item in enumerate(items):
            if i >= ITEMS or used > limit:
                parts.append('…')
                break
            text = f'{_preview(item[0], 40, depth + 1)}: {_preview(item[1], 60, depth + 1)}' if t is dict else _preview(item, 60, depth + 1)
            parts.append(text)
            used += len(text) + 2
        inner = ', '.join(parts)
        if t is tuple and len(obj) == 1:
            inner += ','
        opening, closing = {list: '[]', tuple: '()', dict: '{}'}.get(t, '{}')
        if t in (set, frozenset) and not obj:
            return f'{t.__name__}()'
        return _cut(opening + inner + closing, limit)
    if _is(obj, 'numpy', 'ndarray'):
        if obj.dtype.kind in 'biufcmMUS' and obj.size:
            import numpy
            flat = obj.reshape(-1)[:ITEMS]
            body = numpy.array2string(flat, separator=', ', threshold=ITEMS, max_line_width=10 ** 6)
            return _cut(f'{obj.dtype} {body[:-1]}{", …" if obj.size > ITEMS else ""}]', limit)
        return f'{obj.dtype} array'
    if _is(obj, 'numpy', 'generic'):
        return _cut(str(obj.item()) if obj.dtype.kind in 'biufc' else obj.dtype.name, limit)
    if _is(obj, 'pandas', 'DataFrame') or _is(obj, 'polars', 'DataFrame'):
        names = [_label(c) for c in list(obj.columns)[:ITEMS]]
        return _cut('columns: ' + ', '.join(names) + (', …' if len(obj.columns) > ITEMS else ''), limit)
    if _is(obj, 'pandas', 'Series', 'Index') or _is(obj, 'polars', 'Series'):
        return _cut(f'{obj.dtype} ' + _preview(_plain_list(obj, ITEMS), limit, depth + 1), limit)
    if _a(obj, types.ModuleType):
        return f"<module '{_cut(str(obj.__dict__.get('__name__', '?')), 60)}'>"
    if _a(obj, type):
        return f"<class '{type.__dict__['__qualname__'].__get__(obj)}'>"
    if _a(obj, *FUNCTIONS):
        return f'<function {_label(getattr(obj, "__qualname__", "?"))}>'
    return f'<{_type_name(obj)} object>'


def _label(value):
    """A column's or function's name: itself when a str, else its preview (never its own str)."""
    return value if type(value) is str else _preview(value, 60)


def _plain_list(series, count):
    """The first items of a pandas or polars Series, as Python values (object items unconverted)."""
    head = series.iloc[:count] if hasattr(series, 'iloc') else series[:count]
    return list(head.to_list() if hasattr(head, 'to_list') else head)


def _attributes(obj):
    """An object's own attributes (its __dict__), read without its __getattribute__."""
    try:
        d = object.__getattribute__(obj, '__dict__')
    except Exception:
        return None
    return d if type(d) is dict else None


def _children_count(obj):
    t = type(obj)
    if t in (list, tuple, set, frozenset, dict):
        return len(obj)
    if _is(obj, 'numpy', 'ndarray'):
        return obj.shape[0] if obj.ndim else None
    if _a(obj, types.ModuleType, type) or t in SCALARS or t in (str, bytes, bytearray):
        return None
    if _is(obj, 'pandas', 'DataFrame', 'Series', 'Index') or _is(obj, 'polars', 'DataFrame', 'Series'):
        return None
    attrs = _attributes(obj)
    return len(attrs) if attrs else None


def _is_table(obj):
    if _is(obj, 'pandas', 'DataFrame', 'Series') or _is(obj, 'polars', 'DataFrame', 'Series'):
        return True
    if _is(obj, 'numpy', 'ndarray'):
        return obj.ndim in (1, 2)
    return type(obj) is list and len(obj) > 0 and type(obj[0]) is dict


def _summary(name, obj, path, kind):
    t = type(obj)
    out = {'name': name, 'type': _type_name(obj), 'value': _preview(obj), 'kind': kind, 'path': path}
    if t in (list, tuple, set, frozenset, dict, str, bytes, bytearray):
        out['size'] = len(obj)
    shape = None
    if _is(obj, 'numpy', 'ndarray') or _is(obj, 'pandas', 'DataFrame', 'Series', 'Index') or _is(obj, 'polars', 'DataFrame', 'Series'):
        shape = [int(n) for n in obj.shape]
        out['shape'] = shape
    count = _children_count(obj)
    if count:
        out['children'] = count
    if _is_table(obj):
        out['table'] = True
    return out


# -- the requests ------------------------------------------------------------------------------

def _namespace():
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns, getattr(shell, 'user_ns_hidden', {})


def list_variables(args):
    ns, hidden = _namespace()
    show_all = bool(args.get('all'))
    out = []
    total = 0
    for name, obj in list(ns.items()):  # a copy: the running cell may add names meanwhile
        if type(name) is not str:
            continue
        kind = _kind(name, obj, hidden)
        if kind != 'data' and not show_all:
            continue
        total += 1
        if len(out) < min(int(args.get('count', PAGE)), PAGE):
            out.append(_summary(name, obj, [name], kind))
    out.sort(key=lambda v: v['name'].lower())
    return {'variables': out, 'total': total}


def _resolve(path):
    ns, _ = _namespace()
    if path[0] not in ns:
        raise LookupError(f'{path[0]} is no longer defined')
    obj = ns[path[0]]
    for how, key in path[1:]:
        if how == 'a':
            attrs = _attributes(obj)
            if attrs is None or key not in attrs:
                raise LookupError(f'no attribute {key}')
            obj = attrs[key]
        elif type(obj) in (list, tuple):
            obj = obj[key]
        elif type(obj) is dict:
            obj = obj[_nth(obj, key)]
        elif type(obj) in (set, frozenset):
            obj = _nth(obj, key)
        elif _is(obj, 'numpy', 'ndarray'):
            obj = obj[key]
        else:
            raise LookupError('it changed meanwhile')
    return obj


def _nth(iterable, n):
    for i, item in enumerate(iterable):
        if i == n:
            return item
    raise LookupError('it changed meanwhile')


def children(args):
    path = args['path']
    obj = _resolve(path)
    start = max(0, int(args.get('start', 0)))
    count = min(int(args.get('count', 100)), PAGE)
    out = []
    t = type(obj)
    if t is dict:
        for i, (key, value) in enumerate(obj.items()):
            if i >= start + count:
                break
            if i >= start:
                out.append(_summary(_preview(key, 60), value, path + [['i', i]], 'data'))
        total = len(obj)
    elif t in (list, tuple, set, frozenset) or _is(obj, 'numpy', 'ndarray'):
        total = len(obj)
        for i, value in enumerate(obj[start:start + count] if t not in (set, frozenset) else list(obj)[start:start + count]):
            out.append(_summary(str(start + i), value, path + [['i', start + i]], 'data'))
    else:
        attrs = _attributes(obj) or {}
        names = sorted(n for n in attrs if type(n) is str)
        total = len(names)
        for n in names[start:start + count]:
            out.append(_summary(n, attrs[n], path + [['a', n]], 'data'))
    return {'children': out, 'total': total}


# -- tables: a page at a time, sorted and filtered in the kernel --------------------------------

_order_cache = {}  # (id, shape, query) -> row positions after filter and sort; one kept


def _frame(obj):
    """The value as (column names, column dtypes, row count, a function giving a column's values at positions, index labels)."""
    if _is(obj, 'pandas', 'Series'):
        obj = obj.to_frame()
    if _is(obj, 'pandas', 'DataFrame'):
        cols = [obj.iloc[:, j] for j in range(obj.shape[1])]
        return (
            [_label(c) for c in obj.columns], [str(c.dtype) for c in cols], len(obj),
            lambda j, pos: cols[j].iloc[pos], lambda pos: obj.index[pos],
            lambda j: cols[j].dtype.kind in 'biuf',
        )
    if _is(obj, 'polars', 'Series'):
        obj = obj.to_frame()
    if _is(obj, 'polars', 'DataFrame'):
        import numpy

        cols = obj.get_columns()
        return (
            list(obj.columns), [str(c.dtype) for c in cols], obj.height,
            lambda j, pos: cols[j].gather(numpy.asarray(pos)), lambda pos: list(numpy.asarray(pos)),
            lambda j: cols[j].dtype.is_numeric(),
        )
    if _is(obj, 'numpy', 'ndarray'):
        import numpy

        grid = obj.reshape(-1, 1) if obj.ndim == 1 else obj
        return (
            [str(j) for j in range(grid.shape[1])], [str(obj.dtype)] * grid.shape[1], grid.shape[0],
            lambda j, pos: grid[numpy.asarray(pos), j], lambda pos: list(numpy.asarray(pos)),
            lambda j: obj.dtype.kind in 'biuf',
        )
    if type(obj) is list and obj and type(obj[0]) is dict:
        names = []
        for row in obj[:1000]:
            if type(row) is dict:
                names.extend(k for k in row if k not in names)
        rows = obj

        def values(j, pos):
            key = names[j]
            return [rows[p].get(key) if type(rows[p]) is dict else None for p in pos]

        def numeric(j):
            sample = [v for v in values(j, range(min(len(rows), 1000))) if v is not None]
            return bool(sample) and all(type(v) in (int, float) for v in sample)

        return ([_preview(n, 60) if type(n) is not str else n for n in names], ['object'] * len(names), len(rows), values, lambda pos: list(pos), numeric)
    raise TypeError(f'a {_type_name(obj)} cannot be shown as a table')


def _cell(value):
    t = type(value)
    if value is None:
        return None
    if t is bool:
        return value
    if t is int:
        return value if abs(value) < 2 ** 53 else str(value)
    if t is float:
        return value if math.isfinite(value) else None if math.isnan(value) else str(value)
    if t is str:
        return _cut(value, CELL)
    module = t.__module__.split('.')[0]
    if module == 'numpy' and hasattr(value, 'item') and getattr(value, 'dtype', None) is not None and value.dtype.kind in 'biufcmMUSb?':
        return _cell(value.item()) if value.dtype.kind not in 'mM' else str(value)
    if module == 'pandas' and t.__name__ in ('Timestamp', 'Timedelta', 'Period'):
        return str(value)
    if module in ('pandas', 'numpy') and t.__name__ in ('NAType', 'NaTType'):
        return None
    if t.__module__ == 'datetime':
        return value.isoformat()
    return _preview(value, CELL)


def _as_list(values):
    if hasattr(values, 'to_list'):
        return values.to_list()
    if hasattr(values, 'tolist'):
        return values.tolist()
    return list(values)


def _positions(obj, frame, query):
    """Row positions after the query's filter and sort, cached for the next pages of the same view."""
    import numpy

    names, dtypes, rows, values, _, numeric = frame
    key = (id(obj), rows, len(names), json.dumps(query, sort_keys=True))  # query has the view's generation: a refresh sorts anew
    if key in _order_cache:
        return _order_cache[key]
    positions = numpy.arange(rows)
    flt = query.get('filter')
    if flt:
        j, op, text = int(flt['column']), flt['op'], str(flt['value'])
        column = values(j, positions)
        if op == 'contains' or not numeric(j):
            cells = [_cell(v) for v in _as_list(column)]
            needle = text.lower()
            if op == 'contains':
                keep = [c is not None and needle in str(c).lower() for c in cells]
            elif op in ('==', '!='):
                keep = [(c is not None and str(c) == text) == (op == '==') for c in cells]
            else:
                raise ValueError(f'{op} needs a numeric column; use contains, == or != on text')
            positions = positions[numpy.asarray(keep, dtype=bool)]
        else:
            number = float(text)
            data = numpy.asarray(_as_list(column) if not hasattr(column, 'to_numpy') else column.to_numpy(), dtype=float)
            compare = {'==': numpy.equal, '!=': numpy.not_equal, '<': numpy.less, '<=': numpy.less_equal, '>': numpy.greater, '>=': numpy.greater_equal}[op]
            with numpy.errstate(invalid='ignore'):
                positions = positions[compare(data, number)]
    order = query.get('sort')
    if order:
        j = int(order['column'])
        column = values(j, positions)
        if numeric(j):
            data = numpy.asarray(_as_list(column) if not hasattr(column, 'to_numpy') else column.to_numpy(), dtype=float)
            data = numpy.where(numpy.isnan(data), numpy.inf, data) if order['ascending'] else numpy.where(numpy.isnan(data), -numpy.inf, data)
            ranks = numpy.argsort(data, kind='stable')
        else:
            cells = [_cell(v) for v in _as_list(column)]
            ranks = numpy.asarray(sorted(range(len(cells)), key=lambda i: (cells[i] is None, str(cells[i]) if cells[i] is not None else '')), dtype=numpy.int64)
        if not order['ascending']:
            ranks = ranks[::-1]
        positions = positions[ranks]
    _order_cache.clear()
    _order_cache[key] = positions
    return positions


def table(args):
    obj = _resolve(args['path'])
    frame = _frame(obj)
    names, dtypes, rows, values, labels, numeric = frame
    query = args.get('query') or {}
    positions = _positions(obj, frame, query) if query.get('filter') or query.get('sort') else None
    total = rows if positions is None else len(positions)
    start = max(0, min(int(args.get('start', 0)), total))
    count = min(int(args.get('count', 100)), PAGE)
    page = list(range(start, min(start + count, total))) if positions is None else [int(p) for p in positions[start:start + count]]
    columns = [_as_list(values(j, page)) for j in range(len(names))]
    return {
        'type': _type_name(obj),
        'columns': [{'name': names[j], 'dtype': dtypes[j], 'numeric': bool(numeric(j))} for j in range(len(names))],
        'index': [_cell(v) for v in _as_list(labels(page))],
        'rows': [[_cell(col[i]) for col in columns] for i in range(len(page))],
        'start': start,
        'total': total,
        'rowCount': rows,
    }


HANDLERS = {'list': list_variables, 'children': children, 'table': table}
