"""Jupyter Remote's variable inspector, run inside the kernel.

Installed once per kernel as a module of its own (sys.modules['_jupyter_remote_inspector_<hash>']),
never into the person's namespace, it answers requests that come as messages on a comm whose target
is the module's name: a comm message runs none of a cell's machinery (an execute request, even a
silent one, runs IPython's post_execute hooks, which flush and close a figure the running cell draws).
It may run on a kernel subshell while a cell runs on the main thread, so it only reads, and it never
calls the person's own code: no repr, str, len, hash, comparison or attribute hook of an object it does
not know. Values it knows (builtins, numpy, pandas, polars) it describes itself; anything else is its
type's name. Every preview is capped.
"""
import itertools
import json
import math
import types

PREVIEW = 120  # characters of a value's preview
ITEMS = 8  # items of a container shown in its preview
CELL = 200  # characters of one table cell
PAGE = 500  # most names, items or rows in one answer
COLUMNS = 1000  # most columns of a table in one answer
IPYTHON_NAMES = {'In', 'Out', 'exit', 'quit', 'get_ipython', 'open'}


class Refused(Exception):
    """A request that cannot be answered, said in one sentence for the person."""


def listen(target):
    """Answers the requests that come on comms opened to `target`: {id, request} in, {id, answer} out."""
    from IPython import get_ipython

    def opened(comm, _open_msg):
        def answer(msg):
            data = msg['content']['data']
            comm.send({'id': data.get('id'), 'answer': run(data.get('request', '{}'))})

        # In place of Comm.handle_msg, which wraps its callback in IPython's pre_execute and post_execute
        # events (for widgets' callbacks): their hooks are the running cell's business (matplotlib's
        # flushes and closes the figure it draws).
        comm.handle_msg = answer

    get_ipython().kernel.comm_manager.register_target(target, opened)
    return target


def run(request):
    """One request (JSON text) → the answer as JSON text: {"ok": …} or {"error": "a sentence"}."""
    try:
        args = json.loads(request)
        payload = {'ok': HANDLERS[args['op']](args)}
    except Refused as e:
        payload = {'error': str(e.args[0])[:300]}
    except Exception as e:  # ours, or a library's: its kind, never its text (it may quote a value)
        payload = {'error': f'the inspector failed ({_class_attr(type(e), "__name__")})'}
    try:
        return json.dumps(payload, allow_nan=False, default=lambda v: f'<{_type_name(v)}>')
    except ValueError:
        return json.dumps({'error': 'the inspector failed (a value it could not write)'})


# -- what a value is, without calling it ------------------------------------------------------

def _class_attr(cls, name):
    """A class's own __name__, __qualname__, __module__ or __mro__, read past any metaclass of the person's."""
    try:
        value = type.__dict__[name].__get__(cls)
    except Exception:
        return '?'
    return value if name == '__mro__' or type(value) is str else '?'


def _type_name(obj):
    t = type(obj)
    module = _class_attr(t, '__module__')
    qualname = _class_attr(t, '__qualname__')
    known = module in ('builtins', '__main__') or module.split('.')[0] in ('numpy', 'pandas', 'polars')
    return qualname if known else f'{module}.{qualname}'


def _a(obj, *classes):
    """isinstance without asking the object: isinstance may read a __class__ property of the person's."""
    return issubclass(type(obj), classes)


def _is(obj, module, *names):
    """The object is of one of the classes `names` of the library `module` (numpy, pandas, polars)."""
    t = type(obj)
    mro = _class_attr(t, '__mro__')
    return _class_attr(t, '__module__').split('.')[0] == module and mro != '?' and any(_class_attr(c, '__name__') in names for c in mro)


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
        # A copy of the first items, taken at once: a cell may change the container meanwhile.
        items = list(itertools.islice(obj.items() if t is dict else obj, ITEMS + 1))
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
            flat = numpy.asarray(obj.flat[:ITEMS])
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
        name = _attributes(obj) or {}
        name = name.get('__name__')
        return f"<module '{_cut(name, 60) if type(name) is str else '?'}'>"
    if _a(obj, type):
        return f"<class '{type.__dict__['__qualname__'].__get__(obj)}'>"
    if _a(obj, *FUNCTIONS):
        return f'<function {_function_name(obj)}>'
    return f'<{_type_name(obj)} object>'


def _function_name(obj):
    """A function's __qualname__, read only from Python's own function types (a method's from its function)."""
    if type(obj) is types.MethodType:
        obj = obj.__func__
    if type(obj) not in (types.FunctionType, types.BuiltinFunctionType):
        return '…'
    name = obj.__qualname__
    return _cut(name, 60) if type(name) is str else '…'


def _label(value):
    """A column's or function's name: itself when a str, else its preview (never its own str)."""
    return value if type(value) is str else _preview(value, 60)


def _plain_list(series, count):
    """The first items of a pandas or polars Series, as Python values (object items unconverted)."""
    head = series.iloc[:count] if hasattr(series, 'iloc') else series[:count]
    return list(head.to_list() if hasattr(head, 'to_list') else head)


def _attributes(obj):
    """An object's own attributes (its __dict__), read without its __getattribute__, and only where the
    __dict__ is Python's own slot (a class of the person's may define __dict__ as a property)."""
    slot = None
    mro = _class_attr(type(obj), '__mro__')
    for c in mro if mro != '?' else ():
        own = type.__dict__['__dict__'].__get__(c)
        if '__dict__' in own:
            slot = own['__dict__']
            break
    if type(slot).__name__ not in ('getset_descriptor', 'member_descriptor'):
        return None
    try:
        d = slot.__get__(obj)
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
    if _is(obj, 'numpy', 'ndarray') or _is(obj, 'pandas', 'DataFrame', 'Series', 'Index') or _is(obj, 'polars', 'DataFrame', 'Series'):
        out['shape'] = [int(n) for n in obj.shape]
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
            try:
                out.append(_summary(name, obj, [name], kind))
            except Exception:  # changed as we looked (a cell filling it), or a library's surprise
                out.append({'name': name, 'type': _type_name(obj), 'value': '…', 'kind': kind, 'path': [name]})
    out.sort(key=lambda v: v['name'].lower())
    return {'variables': out, 'total': total}


def _resolve(path):
    ns, _ = _namespace()
    if type(path[0]) is not str or path[0] not in ns:
        raise Refused(f'{_cut(str(path[0]), 60)} is no longer defined.')
    obj = ns[path[0]]
    for how, key in path[1:]:
        if how == 'a':
            attrs = _attributes(obj)
            if attrs is None or type(key) is not str or key not in attrs:
                raise Refused(f'{_cut(str(key), 60)} is no longer there.')
            obj = attrs[key]
        elif type(obj) in (list, tuple) and 0 <= key < len(obj):
            obj = obj[key]
        elif type(obj) is dict:
            obj = _nth(obj.values(), key)  # by position: a key of the person's is never hashed
        elif type(obj) in (set, frozenset):
            obj = _nth(obj, key)
        elif _is(obj, 'numpy', 'ndarray') and obj.ndim and 0 <= key < obj.shape[0]:
            obj = obj[key]
        else:
            raise Refused('It changed since it was listed: refresh the view.')
    return obj


def _nth(iterable, n):
    item = next(itertools.islice(iterable, n, n + 1), _nth)
    if item is _nth:
        raise Refused('It changed since it was listed: refresh the view.')
    return item


def children(args):
    path = args['path']
    obj = _resolve(path)
    start = max(0, int(args.get('start', 0)))
    count = min(int(args.get('count', 100)), PAGE)
    out = []
    t = type(obj)
    if t is dict:
        total = len(obj)
        for i, (key, value) in enumerate(list(itertools.islice(obj.items(), start, start + count)), start):
            out.append(_summary(_preview(key, 60), value, path + [['i', i]], 'data'))
    elif t in (list, tuple, set, frozenset) or _is(obj, 'numpy', 'ndarray'):
        total = len(obj)
        for i, value in enumerate(obj[start:start + count] if t not in (set, frozenset) else list(itertools.islice(obj, start, start + count))):
            out.append(_summary(str(start + i), value, path + [['i', start + i]], 'data'))
    else:
        attrs = _attributes(obj) or {}
        names = sorted(n for n in attrs if type(n) is str)
        total = len(names)
        for n in names[start:start + count]:
            out.append(_summary(n, attrs[n], path + [['a', n]], 'data'))
    return {'children': out, 'total': total}


# -- tables: a page at a time, sorted and filtered in the kernel --------------------------------

_order_cache = {}  # the last view's row order: {'of': weakref to its object, 'key': query, 'positions': array}


def _frame(obj):
    """The value as (column names, column dtypes, row count, a function giving a column's values at positions, index labels)."""
    if _is(obj, 'pandas', 'Series'):
        obj = obj.to_frame()
    if _is(obj, 'pandas', 'DataFrame'):
        cols = [obj.iloc[:, j] for j in range(min(obj.shape[1], COLUMNS))]
        return (
            [_label(c) for c in list(obj.columns[:COLUMNS])], [str(c.dtype) for c in cols], len(obj),
            lambda j, pos: cols[j].iloc[pos], lambda pos: obj.index[pos],
            lambda j: cols[j].dtype.kind in 'biuf',
        )
    if _is(obj, 'polars', 'Series'):
        obj = obj.to_frame()
    if _is(obj, 'polars', 'DataFrame'):
        import numpy

        cols = obj.get_columns()[:COLUMNS]
        return (
            list(obj.columns[:COLUMNS]), [str(c.dtype) for c in cols], obj.height,
            lambda j, pos: cols[j].gather(numpy.asarray(pos, dtype=numpy.intp)), lambda pos: list(pos),
            lambda j: cols[j].dtype.is_numeric(),
        )
    if _is(obj, 'numpy', 'ndarray'):
        import numpy

        grid = obj.reshape(-1, 1) if obj.ndim == 1 else obj
        return (
            [str(j) for j in range(min(grid.shape[1], COLUMNS))], [str(obj.dtype)] * min(grid.shape[1], COLUMNS), grid.shape[0],
            lambda j, pos: grid[numpy.asarray(pos, dtype=numpy.intp), j], lambda pos: list(pos),
            lambda j: obj.dtype.kind in 'biuf',
        )
    if type(obj) is list and obj and type(obj[0]) is dict:
        # Columns are the str keys of the first 1000 rows; a key is found by comparing str with str only.
        names = {}
        for row in obj[:1000]:
            if type(row) is dict:
                names.update((k, None) for k in list(row) if type(k) is str)
        names = list(names)
        rows = obj
        kinds = {}

        def values(j, pos):
            key = names[j]
            return [_str_key(rows[p], key) if type(rows[p]) is dict else None for p in pos]

        def numeric(j):
            if j not in kinds:
                present = [v for v in values(j, range(len(rows))) if v is not None]
                kinds[j] = bool(present) and all(type(v) in (int, float) for v in present)
            return kinds[j]

        return (names, ['object'] * len(names), len(rows), values, lambda pos: list(pos), numeric)
    raise Refused(f'A {_type_name(obj)} cannot be shown as a table.')


def _str_key(row, key):
    """row[key] for a str key, found without hashing or comparing a key of the person's."""
    for k, v in list(row.items()):
        if type(k) is str and k == key:
            return v
    return None


def _floats(column):
    """A numeric column's values as floats, missing ones NaN (only numbers are converted, never an object)."""
    import numpy

    if _is(column, 'pandas', 'Series'):
        return column.to_numpy(dtype=float, na_value=numpy.nan)
    if _is(column, 'numpy', 'ndarray') or _is(column, 'polars', 'Series'):
        return numpy.asarray(column.to_numpy() if hasattr(column, 'to_numpy') else column, dtype=float)
    return numpy.fromiter((v if type(v) in (int, float) else numpy.nan for v in column), dtype=float, count=len(column))


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
    key = (rows, len(names), json.dumps(query, sort_keys=True))  # query has the view's generation: a refresh sorts anew
    cached = _order_cache.get('of')
    if cached is not None and cached() is obj and _order_cache['key'] == key:
        return _order_cache['positions']
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
                raise Refused(f'{op} needs a numeric column; use contains, == or != on text.')
            positions = positions[numpy.asarray(keep, dtype=bool)]
        else:
            try:
                number = float(text)
            except ValueError:
                raise Refused(f'"{_cut(text, 40)}" is not a number: {op} compares with one.') from None
            data = _floats(column)
            compare = {'==': numpy.equal, '!=': numpy.not_equal, '<': numpy.less, '<=': numpy.less_equal, '>': numpy.greater, '>=': numpy.greater_equal}[op]
            with numpy.errstate(invalid='ignore'):
                positions = positions[compare(data, number)]
    order = query.get('sort')
    if order:
        j = int(order['column'])
        column = values(j, positions)
        if numeric(j):
            data = _floats(column)
            data = numpy.where(numpy.isnan(data), numpy.inf, data) if order['ascending'] else numpy.where(numpy.isnan(data), -numpy.inf, data)
            ranks = numpy.argsort(data, kind='stable')
        else:
            cells = [_cell(v) for v in _as_list(column)]
            ranks = numpy.asarray(sorted(range(len(cells)), key=lambda i: (cells[i] is None, str(cells[i]) if cells[i] is not None else '')), dtype=numpy.int64)
        if not order['ascending']:
            ranks = ranks[::-1]
        positions = positions[ranks]
    _order_cache.clear()
    try:
        import weakref

        _order_cache.update({'of': weakref.ref(obj), 'key': key, 'positions': positions})
    except TypeError:
        pass  # a list cannot be referred to weakly: its order is not kept (kept, it would keep the list alive)
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
    shown = min(len(names), COLUMNS)
    columns = [_as_list(values(j, page)) for j in range(shown)]
    return {
        'type': _type_name(obj),
        'columns': [{'name': names[j], 'dtype': dtypes[j], 'numeric': bool(numeric(j))} for j in range(shown)],
        'index': [_cell(v) for v in _as_list(labels(page))],
        'rows': [[_cell(col[i]) for col in columns] for i in range(len(page))],
        'start': start,
        'total': total,
        'rowCount': rows,
    }


HANDLERS = {'list': list_variables, 'children': children, 'table': table}
