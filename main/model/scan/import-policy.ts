import type { ScanVerdict } from '../../../shared/schemas/scan';

/**
 * Which imports a pickle may make. Dangerous: anything that can run commands, load code, touch files or the
 * network, or fetch attributes by name (the building blocks of every pickle exploit). Safe: the exact classes and
 * rebuild helpers numpy, scikit-learn, joblib, PyTorch and the standard containers need to restore a model.
 * Everything else is unverified: not known to be harmful, but not known to be harmless either.
 */
export interface ImportJudgement {
  verdict: ScanVerdict;
  reason: string;
}

export interface PolicyContext {
  /** TorchScript archives resolve __torch__.* classes from their own compiled code, not from Python. */
  torchscript?: boolean;
}

/** Python 2 names the unpickler maps to Python 3 ones for protocols 0-2 (fix_imports), so both are judged. */
const PY2_MODULES: Record<string, string> = {
  __builtin__: 'builtins', exceptions: 'builtins', copy_reg: 'copyreg', cPickle: 'pickle', commands: 'subprocess',
  UserDict: 'collections', UserList: 'collections', UserString: 'collections', Queue: 'queue', SocketServer: 'socketserver',
  thread: '_thread', dummy_thread: '_dummy_thread', urllib2: 'urllib.request', httplib: 'http.client', cStringIO: 'io',
  StringIO: 'io', ConfigParser: 'configparser', repr: 'reprlib', cookielib: 'http.cookiejar', BaseHTTPServer: 'http.server',
  SimpleHTTPServer: 'http.server', CGIHTTPServer: 'http.server', xmlrpclib: 'xmlrpc.client', anydbm: 'dbm',
  whichdb: 'dbm', dbhash: 'dbm.bsd', dumbdbm: 'dbm.dumb', gdbm: 'dbm.gnu', robotparser: 'urllib.robotparser',
  htmlentitydefs: 'html.entities', HTMLParser: 'html.parser', Tkinter: 'tkinter', urlparse: 'urllib.parse',
  itertools: 'itertools', multiprocessing: 'multiprocessing',
};

export function canonicalModule(module: string): string {
  return PY2_MODULES[module] ?? module;
}

/** Modules where every name is dangerous: command execution, code loading, files, network, introspection. */
const DANGEROUS_MODULES = new Set([
  'os', 'posix', 'nt', 'posixpath', 'ntpath', 'subprocess', '_posixsubprocess', 'sys', 'runpy', 'socket', '_socket',
  'shutil', 'pty', 'pickle', '_pickle', 'pickletools', 'shelve', 'pdb', 'bdb', 'webbrowser', 'ctypes', '_ctypes',
  'importlib', 'imp', 'zipimport', 'marshal', 'code', 'codeop', 'multiprocessing', 'signal', 'asyncio', 'platform',
  'popen2', 'commands', 'ftplib', 'smtplib', 'telnetlib', 'poplib', 'imaplib', 'http', 'urllib', 'xmlrpc',
  'socketserver', 'requests', 'urllib3', 'httpx', 'aiohttp', 'paramiko', 'dill', 'cloudpickle', 'joblib.externals',
  'inspect', 'gc', 'tempfile', 'glob', 'fileinput', 'linecache', 'zipfile', 'tarfile', 'sqlite3', 'dbm',
  'site', 'sysconfig', 'distutils', 'setuptools', 'pip', 'venv', 'ensurepip', 'threading', '_thread',
  'tensorflow.io', 'keras.utils', 'torch.hub', 'torch.utils.cpp_extension', 'numpy.f2py', 'numpy.distutils',
  'numpy.testing', 'IPython', 'pydoc', 'trace', 'timeit', 'profile', 'cProfile', 'atexit',
]);

/** Single names that are dangerous in otherwise ordinary modules. */
const DANGEROUS_NAMES: Record<string, Set<string>> = {
  builtins: new Set([
    'eval', 'exec', 'execfile', 'compile', 'getattr', 'setattr', 'delattr', '__import__', 'open', 'file', 'breakpoint',
    'input', 'raw_input', 'globals', 'locals', 'vars', 'help', 'exit', 'quit', 'reload', 'apply', '__build_class__',
  ]),
  functools: new Set(['partial', 'partialmethod', 'reduce', 'wraps', 'update_wrapper', 'singledispatch', 'cached_property']),
  operator: new Set(['attrgetter', 'itemgetter', 'methodcaller', 'call', 'getitem', 'setitem', 'delitem', 'index']),
  io: new Set(['open', 'open_code', 'FileIO', 'BufferedReader', 'BufferedWriter', 'TextIOWrapper']),
  _io: new Set(['open', 'open_code', 'FileIO', 'BufferedReader', 'BufferedWriter', 'TextIOWrapper']),
  codecs: new Set(['open', 'EncodedFile', 'StreamReaderWriter']),
  pkgutil: new Set(['resolve_name', 'get_loader', 'find_loader', 'iter_modules', 'walk_packages', 'get_data', 'ImpImporter', 'ImpLoader']),
  torch: new Set(['load', 'save', 'compile', 'ops', '_C', 'classes', 'library']),
  'torch.serialization': new Set(['load', 'save', '_load', '_legacy_load']),
  'torch.jit': new Set(['load', 'save', 'script', 'trace', 'compile']),
  'torch._jit_internal': new Set(['_qualified_name', 'createResolutionCallbackFromEnv']),
  'torch.storage': new Set(['_load_from_bytes']),
  numpy: new Set(['load', 'loadtxt', 'genfromtxt', 'fromfile', 'save', 'savez', 'savetxt', 'tofile', 'memmap', 'DataSource', 'lib', 'ctypeslib']),
  joblib: new Set(['load', 'dump', 'Parallel', 'delayed', 'Memory']),
  'joblib.numpy_pickle': new Set(['load', 'dump', 'read_array', 'read_mmap']),
  pandas: new Set(['read_pickle', 'read_csv', 'read_sql', 'eval', 'read_parquet', 'read_json', 'read_excel']),
  'pandas.io.pickle': new Set(['read_pickle']),
  code: new Set(['InteractiveInterpreter', 'InteractiveConsole', 'interact']),
  types: new Set([
    'CodeType', 'FunctionType', 'LambdaType', 'MethodType', 'ModuleType', 'new_class', 'prepare_class', 'BuiltinFunctionType',
    'BuiltinMethodType', 'GeneratorType', 'CoroutineType', 'FrameType', 'TracebackType', 'CellType',
  ]),
  copyreg: new Set(['add_extension', 'remove_extension', 'constructor', 'pickle']),
};

/** Attribute names that reach interpreter internals whatever the object: a dotted qualname through them is an escape. */
const DANGEROUS_ATTRIBUTES = new Set([
  '__globals__', '__builtins__', '__import__', '__subclasses__', '__code__', '__class__', '__bases__', '__mro__',
  '__dict__', '__getattribute__', '__getattr__', '__reduce__', '__reduce_ex__', '__setstate__', '__init_subclass__',
  '__loader__', '__spec__', '__module__', '__func__', '__self__', '__closure__', 'system', 'popen', 'exec', 'eval',
  'spawn', 'fork', 'execv', 'execve', 'remove', 'unlink', 'rmtree',
]);

const SAFE_EXACT = new Set([
  // Containers and plain values.
  'builtins.set', 'builtins.frozenset', 'builtins.bytearray', 'builtins.bytes', 'builtins.slice', 'builtins.complex',
  'builtins.object', 'builtins.range', 'builtins.list', 'builtins.dict', 'builtins.tuple', 'builtins.int',
  'builtins.float', 'builtins.bool', 'builtins.str', 'builtins.NoneType', 'builtins.Ellipsis', 'builtins.NotImplemented',
  'builtins.xrange', 'builtins.unicode', 'builtins.long',
  'collections.OrderedDict', 'collections.defaultdict', 'collections.deque', 'collections.Counter', 'collections.ChainMap',
  'collections.UserDict', 'collections.UserList',
  // How protocol 0-2 rebuild objects and bytes.
  'copyreg._reconstructor', 'copyreg.__newobj__', 'copyreg.__newobj_ex__', '_codecs.encode', 'codecs.encode',
  // Values frequently stored in checkpoints.
  'datetime.datetime', 'datetime.date', 'datetime.time', 'datetime.timedelta', 'datetime.timezone', 'decimal.Decimal',
  'fractions.Fraction', 'uuid.UUID', 'argparse.Namespace', 're._compile', 'pathlib.PosixPath', 'pathlib.WindowsPath',
  'pathlib.PurePosixPath', 'pathlib.PureWindowsPath', 'pathlib.Path', 'types.SimpleNamespace',
  // numpy: arrays, dtypes, scalars, random states (numpy 1 and 2 module paths).
  'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct', 'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar', 'numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer',
  'numpy.dtype', 'numpy.ndarray', 'numpy.matrix', 'numpy.core.multiarray.ndarray', 'numpy.ma.core._mareconstruct',
  'numpy.ma.core.MaskedArray', 'numpy.random._pickle.__randomstate_ctor', 'numpy.random._pickle.__generator_ctor',
  'numpy.random._pickle.__bit_generator_ctor', 'numpy.random.mtrand.RandomState', 'numpy.random._generator.Generator',
  'numpy.random._mt19937.MT19937', 'numpy.random._pcg64.PCG64', 'numpy.random._pcg64.PCG64DXSM',
  'numpy.random._philox.Philox', 'numpy.random._sfc64.SFC64', 'numpy.random.bit_generator.SeedSequence',
  'numpy.random.mtrand.__RandomState_ctor',
  // joblib's array placeholders (their data follows in the same stream).
  'joblib.numpy_pickle.NumpyArrayWrapper', 'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
  // PyTorch: tensors, storages, parameters, dtypes, devices (the same set torch.load(weights_only=True) accepts).
  'torch._utils._rebuild_tensor', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state', 'torch._utils._rebuild_sparse_tensor',
  'torch._utils._rebuild_sparse_csr_tensor', 'torch._utils._rebuild_qtensor', 'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_device_tensor_from_numpy', 'torch._utils._rebuild_nested_tensor', 'torch._utils._rebuild_wrapper_subclass',
  'torch._utils._rebuild_device_tensor_from_cpu_tensor', 'torch._tensor._rebuild_from_type_v2', 'torch._tensor._rebuild_from_type',
  'torch.nn.parameter.Parameter', 'torch.nn.parameter.UninitializedParameter', 'torch.nn.parameter.Buffer',
  'torch.Tensor', 'torch.Size', 'torch.device', 'torch.dtype', 'torch.layout', 'torch.memory_format', 'torch.storage.TypedStorage',
  'torch.storage.UntypedStorage', 'torch.UntypedStorage', 'torch.TypedStorage', 'torch.serialization._get_layout',
  'torch.jit._pickle.build_intlist', 'torch.jit._pickle.build_tensorlist', 'torch.jit._pickle.build_doublelist',
  'torch.jit._pickle.build_boollist', 'torch.jit._pickle.build_tensor_from_id', 'torch.jit._pickle.restore_type_tag',
]);

const TORCH_STORAGES = /^(Float|Double|Half|BFloat16|Long|Int|Short|Char|Byte|Bool|ComplexFloat|ComplexDouble|QInt8|QUInt8|QInt32|QUInt4x2|QUInt2x4|Untyped)Storage$/;
const TORCH_DTYPES = /^(float(16|32|64)?|double|half|bfloat16|int(8|16|32|64)?|uint(8|16|32|64)|short|long|bool|complex(32|64|128)|cfloat|cdouble|chalf|qint8|quint8|qint32|quint4x2|quint2x4|float8_e4m3fn|float8_e5m2|float8_e4m3fnuz|float8_e5m2fnuz|strided|sparse_coo|sparse_csr|sparse_csc|sparse_bsr|sparse_bsc|_mkldnn|contiguous_format|channels_last|channels_last_3d|preserve_format|per_tensor_affine|per_channel_affine|per_tensor_symmetric|per_channel_symmetric|per_channel_affine_float_qparams)$/;
const NUMPY_SCALARS = /^(bool_|bool|int(8|16|32|64|c|p|_)?|uint(8|16|32|64|c|p)?|u?longlong|u?short|u?byte|ubyte|intp|uintp|float(16|32|64|96|128|_)?|half|single|double|longdouble|complex(64|128|192|256|_)?|csingle|cdouble|clongdouble|str_|bytes_|unicode_|string_|object_|void|datetime64|timedelta64|generic|number)$/;
/** A class name: CamelCase, optionally with a leading underscore (private classes such as _BaseScorer). */
const CLASS_NAME = /^_?[A-Z][A-Za-z0-9]*$/;

/** Module prefixes whose classes (and only classes) are safe to instantiate. Subpackages with side effects excluded. */
const CLASS_MODULES: Array<{ prefix: string; exclude: RegExp }> = [
  { prefix: 'sklearn.', exclude: /^sklearn\.(utils\._testing|utils\.testing|externals\.(?!joblib\.numpy_pickle|_packaging)|datasets|_build_utils|tests?\b|.*\.tests?\b)/ },
  { prefix: 'torch.nn.modules.', exclude: /^$/ },
  { prefix: 'torch.ao.nn.', exclude: /^$/ },
  { prefix: 'torch.nn.intrinsic.', exclude: /^$/ },
  { prefix: 'torch.nn.quantized.', exclude: /^$/ },
  { prefix: 'torch.optim.', exclude: /^torch\.optim\.lr_scheduler$/ },
  { prefix: 'torch.distributions.', exclude: /^$/ },
];

export function judgeImport(rawModule: string, name: string, context: PolicyContext = {}): ImportJudgement {
  const module = canonicalModule(rawModule);
  const segments = [...module.split('.'), ...name.split('.')];
  const full = `${module}.${name}`;
  const shown = module === rawModule ? full : `${full} (written as ${rawModule}.${name})`;

  if (!module || !name || segments.some((s) => s === '')) {
    return { verdict: 'unverified', reason: `"${rawModule}" / "${name}" is not a well-formed import; the unpickler would fail or resolve it in an unexpected way.` };
  }
  const moduleDepth = module.split('.').length;
  // Every prefix of the full path, so "numpy" + "testing._private.utils.runstring" is judged as numpy.testing.
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('.');
    if (DANGEROUS_MODULES.has(prefix)) {
      return { verdict: 'dangerous', reason: `${shown} comes from ${prefix}, which can run commands, load code, or reach files or the network.` };
    }
  }
  // A dotted name walks attributes (protocol 4): through any module attribute named like a dangerous module, or
  // through interpreter internals, it reaches whatever it likes.
  for (const attribute of segments.slice(moduleDepth)) {
    if (DANGEROUS_MODULES.has(attribute) || DANGEROUS_ATTRIBUTES.has(attribute)) {
      return { verdict: 'dangerous', reason: `${shown} reaches ${attribute} through attribute access, a known way to smuggle in a dangerous function.` };
    }
  }
  const blockedNames = DANGEROUS_NAMES[module];
  if (blockedNames?.has(segments[moduleDepth])) {
    return { verdict: 'dangerous', reason: `${shown} can run code, read or write files, or call functions chosen by the file.` };
  }
  if (segments.some((s) => DANGEROUS_ATTRIBUTES.has(s) && s.startsWith('__'))) {
    return { verdict: 'dangerous', reason: `${shown} names an interpreter internal (${segments.find((s) => DANGEROUS_ATTRIBUTES.has(s))}).` };
  }

  if (name.includes('.')) {
    return { verdict: 'unverified', reason: `${shown} is a dotted name that walks attributes at load time; ModelDock does not vouch for it.` };
  }
  if (SAFE_EXACT.has(full)) return { verdict: 'safe', reason: 'Known to only rebuild data (on the list of imports model files legitimately need).' };
  if (module === 'torch' && (TORCH_STORAGES.test(name) || TORCH_DTYPES.test(name))) {
    return { verdict: 'safe', reason: 'A PyTorch storage type or dtype: data only.' };
  }
  if ((module === 'torch.cuda' || module === 'torch') && TORCH_STORAGES.test(name)) return { verdict: 'safe', reason: 'A PyTorch storage type: data only.' };
  if ((module === 'numpy' || module === 'numpy.core.numerictypes' || module === 'numpy._core.numerictypes') && NUMPY_SCALARS.test(name)) {
    return { verdict: 'safe', reason: 'A numpy scalar type: data only.' };
  }
  if (/^numpy\.dtypes$/.test(module) && /^[A-Z][A-Za-z0-9]*DType$/.test(name)) return { verdict: 'safe', reason: 'A numpy dtype class: data only.' };
  for (const { prefix, exclude } of CLASS_MODULES) {
    if (module.startsWith(prefix) && !exclude.test(module) && CLASS_NAME.test(name)) {
      return { verdict: 'safe', reason: `A ${prefix.split('.')[0] === 'sklearn' ? 'scikit-learn' : 'PyTorch'} class: restoring it rebuilds the object without running code from the file.` };
    }
  }
  if (context.torchscript && (module === '__torch__' || module.startsWith('__torch__.'))) {
    return { verdict: 'safe', reason: 'A TorchScript class, compiled from the archive\'s own TorchScript code (not Python).' };
  }
  if (module === '__main__' || module === '__mp_main__') {
    return { verdict: 'unverified', reason: `${full} is defined in the script that saved the file; loading it imports that script's code, which the scan cannot see.` };
  }
  return { verdict: 'unverified', reason: `${shown} is not on the list of imports known to be safe; loading the file imports it and may run its code.` };
}
