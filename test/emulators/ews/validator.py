"""
Persistent XSD validator for the EWS emulator: libxml2 (the library behind xmllint) through ctypes, the schema
compiled once. Protocol: stdin = 4-byte big-endian length + document, stdout = one JSON line per document
({"ok": bool, "errors": [{"line", "col", "message"}]}). First line out: {"ready": true} or {"fatal": ...}.
Usage: python3 validator.py <messages.xsd>
"""
import ctypes, ctypes.util, json, struct, sys

lib = ctypes.CDLL(ctypes.util.find_library('xml2') or 'libxml2.so.2')

class XmlError(ctypes.Structure):
    _fields_ = [('domain', ctypes.c_int), ('code', ctypes.c_int), ('message', ctypes.c_char_p), ('level', ctypes.c_int),
                ('file', ctypes.c_char_p), ('line', ctypes.c_int), ('str1', ctypes.c_char_p), ('str2', ctypes.c_char_p),
                ('str3', ctypes.c_char_p), ('int1', ctypes.c_int), ('int2', ctypes.c_int), ('ctxt', ctypes.c_void_p),
                ('node', ctypes.c_void_p)]

HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(XmlError))
errors = []
def on_error(_ctx, err):
    e = err.contents
    msg = (e.message or b'').decode('utf-8', 'replace').strip()
    errors.append({'line': e.line, 'col': e.int2, 'message': msg})
handler = HANDLER(on_error)

lib.xmlSchemaNewParserCtxt.restype = ctypes.c_void_p
lib.xmlSchemaParse.restype = ctypes.c_void_p
lib.xmlSchemaParse.argtypes = [ctypes.c_void_p]
lib.xmlSchemaNewValidCtxt.restype = ctypes.c_void_p
lib.xmlSchemaNewValidCtxt.argtypes = [ctypes.c_void_p]
lib.xmlSchemaSetValidStructuredErrors.argtypes = [ctypes.c_void_p, HANDLER, ctypes.c_void_p]
lib.xmlReadMemory.restype = ctypes.c_void_p
lib.xmlReadMemory.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
lib.xmlSchemaValidateDoc.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
lib.xmlFreeDoc.argtypes = [ctypes.c_void_p]
lib.xmlSetStructuredErrorFunc.argtypes = [ctypes.c_void_p, HANDLER]

lib.xmlSetStructuredErrorFunc(None, handler)
pctx = lib.xmlSchemaNewParserCtxt(sys.argv[1].encode())
schema = lib.xmlSchemaParse(pctx)
if not schema:
    sys.stdout.write(json.dumps({'fatal': 'schema did not compile', 'errors': errors[:3]}) + '\n'); sys.stdout.flush(); sys.exit(1)
vctx = lib.xmlSchemaNewValidCtxt(schema)
lib.xmlSchemaSetValidStructuredErrors(vctx, handler, None)
sys.stdout.write('{"ready":true}\n'); sys.stdout.flush()
inp = sys.stdin.buffer
NONET = 1 << 11
HUGE = 1 << 19  # XML_PARSE_HUGE: a 20 MB attachment in an answer is over libxml2's default text limit
while True:
    head = inp.read(4)
    if len(head) < 4: break
    n = struct.unpack('>I', head)[0]
    data = inp.read(n)
    errors.clear()
    doc = lib.xmlReadMemory(data, len(data), b'-', b'utf-8', NONET | HUGE)
    if not doc:
        ok = False
    else:
        ok = lib.xmlSchemaValidateDoc(vctx, doc) == 0
        lib.xmlFreeDoc(doc)
    sys.stdout.write(json.dumps({'ok': ok and not errors, 'errors': errors[:5]}) + '\n'); sys.stdout.flush()
