#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# efsgw - xdrgen: turn proxy/nfs4.x (an RFC 4506 XDR subset plus efsgw's
# /*@...*/ directives, described at the top of nfs4.x) into the tables
# ("bytecode") that proxy/nfs4-walk.c interprets: proxy/nfs4-xdr.c and
# proxy/nfs4-xdr.h. Standard library only; the output is committed so that
# building efsgw needs no Python (`make regen-xdr` reruns this).
#
# Usage: xdrgen.py nfs4.x nfs4-xdr.c nfs4-xdr.h

import os
import re
import sys

DEFAULT_OPAQUE_MAX = 65536	# unbounded opaque/string without @max
DEFAULT_ARRAY_MAX = 1024	# unbounded arrays without @max
ENUM_CHECK_MAX = 64		# enums with more values are left unchecked

BUILTIN = {
    'int': 'U32', 'unsigned': 'U32', 'int32_t': 'U32', 'uint32_t': 'U32',
    'hyper': 'U64', 'int64_t': 'U64', 'uint64_t': 'U64',
    'bool': 'BOOL', 'void': 'VOID',
}

MARKS = ['FH', 'WRITE_DATA', 'READ_DATA', 'OPEN_SHARE_ACCESS', 'OPEN_CREATE',
         'OPEN_CLAIM', 'SETCLIENTID_CB', 'EXCHGID_FLAGS', 'CSESS_CB_PROGRAM',
         'SETATTR_ATTRS', 'ATTR_OWNER', 'ATTR_OWNER_GROUP', 'ATTR_SIZE',
         'ATTRS_UNDECODED', 'NAME', 'READDIR_MAXCOUNT', 'ATTRLIST', 'READ_COUNT',
         'ATTR_MAXIO', 'CHAN_MAXSIZE']

KINDS = ['VOID', 'U32', 'BOOL', 'ENUM', 'U64', 'OPAQUE_FIXED', 'OPAQUE',
         'ARRAY_FIXED', 'ARRAY', 'OPTIONAL', 'STRUCT', 'UNION', 'BITMAPPED']

TOKEN_RE = re.compile(r'''
    (?P<directive>/\*@(?P<dtext>.*?)\*/) |
    (?P<comment>/\*.*?\*/|//[^\n]*|^%[^\n]*) |
    (?P<ws>\s+) |
    (?P<num>-?0[xX][0-9a-fA-F]+|-?[0-9]+) |
    (?P<id>[A-Za-z_][A-Za-z0-9_]*) |
    (?P<punct>[{}()\[\]<>;:,=*])
''', re.S | re.M | re.X)


class XdrError(Exception):
    pass


def tokenize(text):
    """Return a list of (kind, value, line) tokens."""
    toks = []
    pos = 0
    line = 1
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if m is None:
            raise XdrError('line %d: cannot parse %r' % (line, text[pos:pos + 20]))
        kind = m.lastgroup
        if kind == 'dtext':
            kind = 'directive'
        if kind == 'directive':
            toks.append(('dir', m.group('dtext').split(), line))
        elif kind in ('num', 'id', 'punct'):
            toks.append((kind, m.group(kind), line))
        line += m.group(0).count('\n')
        pos = m.end()
    return toks


class Decl:
    """One declaration: base type, shape, bound, mark, cap."""
    def __init__(self, base, name, shape='plain', size=None, mark=None,
                 cap=None):
        self.base = base
        self.name = name
        self.shape = shape	# plain fixed var opt void
        self.size = size
        self.mark = mark
        self.cap = cap


class Parser:
    def __init__(self, toks):
        self.toks = toks
        self.i = 0
        self.consts = {'TRUE': 1, 'FALSE': 0}
        self.types = {}		# name -> ('typedef', Decl) | ('enum', ...) ...
        self.order = []
        self.pending = []	# directives waiting for their target

    def peek(self):
        while self.i < len(self.toks) and self.toks[self.i][0] == 'dir':
            self.pending.append(self.toks[self.i])
            self.i += 1
        if self.i >= len(self.toks):
            return (None, None, -1)
        return self.toks[self.i]

    def next(self):
        t = self.peek()
        if t[0] is None:
            raise XdrError('unexpected end of file')
        self.i += 1
        return t

    def expect(self, value):
        t = self.next()
        if t[1] != value:
            raise XdrError('line %d: expected %r, got %r' % (t[2], value, t[1]))
        return t

    def take_directives(self):
        self.peek()
        d = {}
        for _, words, line in self.pending:
            if not words:
                raise XdrError('line %d: empty directive' % line)
            if words[0] == 'mark':
                if len(words) != 2 or words[1] not in MARKS:
                    raise XdrError('line %d: bad mark %r' % (line, words))
                d['mark'] = words[1]
            elif words[0] == 'max':
                d['max'] = self.value(words[1], line)
            elif words[0] == 'open':
                d['open'] = True
            elif words[0] == 'bitmapped':
                d['bitmapped'] = words[1]
            else:
                raise XdrError('line %d: unknown directive %r' % (line, words))
        self.pending = []
        return d

    def value(self, v, line):
        if re.match(r'^-?(0[xX][0-9a-fA-F]+|[0-9]+)$', v):
            return int(v, 0)
        if v in self.consts:
            return self.consts[v]
        raise XdrError('line %d: unknown constant %r' % (line, v))

    def parse(self):
        while self.peek()[0] is not None:
            t = self.next()
            if t[1] == 'const':
                name = self.next()[1]
                self.expect('=')
                v = self.next()
                self.consts[name] = self.value(v[1], v[2])
                self.expect(';')
            elif t[1] == 'enum':
                d = self.take_directives()
                name = self.next()[1]
                self.define(name, ('enum', self.enum_body(), d.get('open', False)))
                self.expect(';')
            elif t[1] == 'struct':
                d = self.take_directives()
                name = self.next()[1]
                self.define(name, ('struct', self.struct_body(), d.get('bitmapped')))
                self.expect(';')
            elif t[1] == 'union':
                self.take_directives()
                name = self.next()[1]
                self.define(name, ('union',) + self.union_body())
                self.expect(';')
            elif t[1] == 'typedef':
                decl = self.decl()
                self.define(decl.name, ('typedef', decl))
                self.expect(';')
            else:
                raise XdrError('line %d: unexpected %r' % (t[2], t[1]))
        return self

    def define(self, name, body):
        if name in self.types:
            raise XdrError('%s defined twice' % name)
        self.types[name] = body
        self.order.append(name)

    def enum_body(self):
        self.expect('{')
        vals = []
        while True:
            name = self.next()[1]
            self.expect('=')
            v = self.next()
            val = self.value(v[1], v[2])
            self.consts[name] = val
            vals.append(val)
            t = self.next()
            if t[1] == '}':
                break
            if t[1] != ',':
                raise XdrError('line %d: bad enum' % t[2])
        self.take_directives()
        return vals

    def struct_body(self):
        self.expect('{')
        members = []
        while self.peek()[1] != '}':
            members.append(self.decl())
            self.expect(';')
        self.expect('}')
        self.take_directives()
        return members

    def union_body(self):
        self.expect('switch')
        self.expect('(')
        disc = self.decl()
        self.expect(')')
        self.expect('{')
        arms = []
        default = None
        values = []
        while True:
            t = self.next()
            if t[1] == 'case':
                v = self.next()
                values.append(self.value(v[1], v[2]))
                self.expect(':')
                if self.peek()[1] == 'case':
                    continue
                d = self.decl()
                self.expect(';')
                for val in values:
                    arms.append((val, d))
                values = []
            elif t[1] == 'default':
                self.expect(':')
                default = self.decl()
                self.expect(';')
            elif t[1] == '}':
                break
            else:
                raise XdrError('line %d: bad union' % t[2])
        if values:
            raise XdrError('union: case without an arm')
        self.take_directives()
        return disc, arms, default

    def decl(self):
        d = self.take_directives()
        t = self.next()
        if t[1] == 'void':
            return Decl('void', None, 'void')
        base = t[1]
        if base == 'unsigned':
            if self.peek()[1] in ('int', 'hyper'):
                base = 'hyper' if self.next()[1] == 'hyper' else 'unsigned'
        elif base == 'struct' or base == 'enum' or base == 'union':
            base = self.next()[1]
        shape = 'plain'
        if self.peek()[1] == '*':
            self.next()
            shape = 'opt'
        name = self.next()[1]
        size = None
        if self.peek()[1] == '[':
            self.next()
            v = self.next()
            size = self.value(v[1], v[2])
            self.expect(']')
            shape = 'fixed'
        elif self.peek()[1] == '<':
            self.next()
            if self.peek()[1] != '>':
                v = self.next()
                size = self.value(v[1], v[2])
            self.expect('>')
            shape = 'var'
        if shape == 'var' and size is None:
            size = d.get('max')
        return Decl(base, name, shape, size, d.get('mark'), d.get('max'))


class Gen:
    """Build hash-consed nodes from the parsed types."""
    def __init__(self, p):
        self.p = p
        self.nodes = []		# lists [kind, mark, n, a, b, c]
        self.members = []
        self.arms = []
        self.enumvals = []
        self.named = {}		# type name -> node index
        self.cons = {}
        self.node(('VOID', 0, 0, 0, 0, 0))	# node 0 is void

    def node(self, t):
        if t in self.cons:
            return self.cons[t]
        self.nodes.append(list(t))
        self.cons[t] = len(self.nodes) - 1
        return len(self.nodes) - 1

    def with_mark(self, idx, mark):
        if mark is None:
            return idx
        t = list(self.nodes[idx])
        if t[1] != 0:
            raise XdrError('two marks on one item')
        t[1] = MARKS.index(mark) + 1
        return self.node(tuple(t))

    def build_named(self, name):
        if name in self.named:
            return self.named[name]
        if name in BUILTIN:
            return self.node((BUILTIN[name], 0, 0, 0, 0, 0))
        if name not in self.p.types:
            raise XdrError('unknown type %s' % name)
        body = self.p.types[name]
        if body[0] == 'typedef':
            idx = self.build_decl(body[1])
        elif body[0] == 'enum':
            vals = sorted(set(body[1]))
            if body[2] or len(vals) > ENUM_CHECK_MAX:
                idx = self.node(('U32', 0, 0, 0, 0, 0))
            else:
                start = self.find_run(self.enumvals, vals)
                idx = self.node(('ENUM', 0, len(vals), start, 0, 0))
        elif body[0] == 'struct':
            # Reserve a private node first: structs may refer to themselves.
            self.nodes.append(['STRUCT', 0, 0, 0, 0, 0])
            idx = len(self.nodes) - 1
            self.named[name] = idx
            if body[2] is not None:
                self.build_bitmapped(idx, name, body)
            else:
                ids = [self.build_decl(m) for m in body[1]]
                start = self.find_run(self.members, ids)
                self.nodes[idx] = ['STRUCT', 0, len(ids), start, 0, 0]
        elif body[0] == 'union':
            self.nodes.append(['UNION', 0, 0, 0, 0, 0])
            idx = len(self.nodes) - 1
            self.named[name] = idx
            disc, arms, default = body[1], body[2], body[3]
            dnode = self.build_decl(disc)
            if self.nodes[dnode][0] not in ('U32', 'ENUM', 'BOOL'):
                raise XdrError('%s: discriminant must be int, enum or bool' % name)
            pairs = sorted((v, self.build_decl(d)) for v, d in arms)
            for i in range(1, len(pairs)):
                if pairs[i][0] == pairs[i - 1][0]:
                    raise XdrError('%s: duplicate case %d' % (name, pairs[i][0]))
            start = len(self.arms)
            self.arms.extend(pairs)
            dflt = 0xffff if default is None else self.build_decl(default)
            self.nodes[idx] = ['UNION', 0, len(pairs), start, dnode, dflt]
        self.named[name] = idx
        return idx

    def build_bitmapped(self, idx, name, body):
        members = body[1]
        if (len(members) != 2 or members[1].base != 'opaque' or
                members[1].shape != 'var'):
            raise XdrError('%s: @bitmapped wants { bitmap4; opaque<> }' % name)
        bm = self.build_decl(members[0])
        if self.nodes[bm][0] != 'ARRAY' or self.nodes[self.nodes[bm][3]][0] != 'U32':
            raise XdrError('%s: first member must be uint32_t<>' % name)
        table = self.build_named(body[2])
        if self.nodes[table][0] != 'UNION' or self.nodes[table][5] != 0xffff:
            raise XdrError('%s: table must be a union without default' % name)
        cap = members[1].size if members[1].size is not None else DEFAULT_OPAQUE_MAX
        self.nodes[idx] = ['BITMAPPED', 0, 0, table, self.nodes[bm][4], cap]

    def find_run(self, arr, seq):
        """Append seq to arr (reusing an identical run) and return its start."""
        n = len(seq)
        if n == 0:
            return 0
        for s in range(0, len(arr) - n + 1):
            if arr[s:s + n] == seq:
                return s
        arr.extend(seq)
        return len(arr) - n

    def build_decl(self, d):
        if d.shape == 'void':
            return 0
        if d.base in ('opaque', 'string'):
            if d.shape == 'fixed':
                idx = self.node(('OPAQUE_FIXED', 0, 0, d.size, 0, 0))
            elif d.shape == 'var':
                cap = d.size if d.size is not None else DEFAULT_OPAQUE_MAX
                idx = self.node(('OPAQUE', 0, 0, cap, 0, 0))
            else:
                raise XdrError('opaque %s needs [] or <>' % d.name)
            return self.with_mark(idx, d.mark)
        elem = self.build_named(d.base)
        if d.shape == 'plain':
            idx = elem
        elif d.shape == 'opt':
            idx = self.node(('OPTIONAL', 0, 0, elem, 0, 0))
        elif d.shape == 'fixed':
            idx = self.node(('ARRAY_FIXED', 0, 0, elem, d.size, 0))
        else:
            cap = d.size if d.size is not None else DEFAULT_ARRAY_MAX
            if cap > DEFAULT_ARRAY_MAX:
                raise XdrError('%s: array cap %d > %d' % (d.name, cap, DEFAULT_ARRAY_MAX))
            idx = self.node(('ARRAY', 0, 0, elem, cap, 0))
        return self.with_mark(idx, d.mark)

    def run(self):
        for name in self.p.order:
            self.build_named(name)
        if len(self.nodes) >= 0xffff:
            raise XdrError('too many nodes')


def cname(name):
    return 'NFS4_XDR_' + name


def emit(p, g, src, out_c, out_h):
    base = os.path.basename(src)
    banner = ('/*\n * GENERATED FILE - do not edit. Made by proxy/xdrgen.py from '
              'proxy/%s\n * (`make regen-xdr`).\n *\n'
              ' * SPDX-License-Identifier: Apache-2.0\n */\n' % base)
    h = [banner]
    h.append('#ifndef EFSGW_NFS4_XDR_H\n#define EFSGW_NFS4_XDR_H\n\n#include <stdint.h>\n\n')
    h.append('/* Node kinds (see nfs4-walk.c for what a, b, c mean per kind). */\n')
    h.append('enum nfs4_xdr_kind {\n')
    for k in KINDS:
        h.append('\tNFS4_XK_%s,\n' % k)
    h.append('};\n\n')
    h.append('/*\n * One type. mark is an enum nfs4_mark_kind or 0. ENUM: n values from\n'
             ' * nfs4_xdr_enumvals[a] (sorted). OPAQUE_FIXED: a bytes. OPAQUE: at\n'
             ' * most a bytes. ARRAY_FIXED: b items of node a. ARRAY: at most b\n'
             ' * items of node a. OPTIONAL: node a. STRUCT: n members from\n'
             ' * nfs4_xdr_members[a]. UNION: n arms (sorted by value) from\n'
             ' * nfs4_xdr_arms[a], discriminant node b, default node c or\n'
             ' * NFS4_XDR_NO_ARM. BITMAPPED: table union a, at most b bitmap\n'
             ' * words, at most c bytes of values.\n */\n')
    h.append('struct nfs4_xdr_node {\n\tuint8_t\t\t kind;\n\tuint8_t\t\t mark;\n'
             '\tuint16_t\t n;\n\tuint32_t\t a;\n\tuint32_t\t b;\n\tuint32_t\t c;\n};\n\n')
    h.append('struct nfs4_xdr_arm {\n\tuint32_t\t value;\n\tuint16_t\t node;\n};\n\n')
    h.append('#define NFS4_XDR_NO_ARM\t0xffff\n#define NFS4_XDR_VOID\t0\n\n')
    h.append('/* Node ids of the named types of %s. */\n' % base)
    h.append('enum nfs4_xdr_type {\n')
    for name in p.order:
        h.append('\t%s = %d,\n' % (cname(name), g.named[name]))
    h.append('};\n\n')
    h.append('#define NFS4_XDR_NNODES\t%d\n\n' % len(g.nodes))
    h.append('extern const struct nfs4_xdr_node nfs4_xdr_nodes[];\n')
    h.append('extern const uint16_t nfs4_xdr_members[];\n')
    h.append('extern const struct nfs4_xdr_arm nfs4_xdr_arms[];\n')
    h.append('extern const uint32_t nfs4_xdr_enumvals[];\n\n')
    h.append('#endif /* EFSGW_NFS4_XDR_H */\n')

    names = {}
    for name in p.order:
        names.setdefault(g.named[name], name)
    c = [banner]
    c.append('#include "nfs4.h"\n#include "nfs4-xdr.h"\n\n')
    c.append('const struct nfs4_xdr_node nfs4_xdr_nodes[%d] = {\n' % len(g.nodes))
    for i, n in enumerate(g.nodes):
        mark = '0' if n[1] == 0 else 'NFS4_MARK_' + MARKS[n[1] - 1]
        cm = ('\t/* %s */' % names[i]) if i in names else ''
        c.append('\t[%d] = { NFS4_XK_%s, %s, %d, %d, %d, %d },%s\n' %
                 (i, n[0], mark, n[2], n[3], n[4], n[5], cm))
    c.append('};\n\n')
    c.append('const uint16_t nfs4_xdr_members[%d] = {' % max(1, len(g.members)))
    c.append(wrap([str(m) for m in g.members] or ['0']))
    c.append('};\n\n')
    c.append('const struct nfs4_xdr_arm nfs4_xdr_arms[%d] = {' % max(1, len(g.arms)))
    c.append(wrap(['{ %d, %d }' % a for a in g.arms] or ['{ 0, 0 }']))
    c.append('};\n\n')
    c.append('const uint32_t nfs4_xdr_enumvals[%d] = {' % max(1, len(g.enumvals)))
    c.append(wrap([str(v) for v in g.enumvals] or ['0']))
    c.append('};\n')

    write_if_changed(out_h, ''.join(h))
    write_if_changed(out_c, ''.join(c))


def wrap(items):
    out = []
    line = '\n\t'
    for it in items:
        if len(line) + len(it) > 72:
            out.append(line.rstrip() + '\n')
            line = '\t'
        line += it + ', '
    out.append(line.rstrip() + '\n')
    return ''.join(out)


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write('usage: xdrgen.py nfs4.x nfs4-xdr.c nfs4-xdr.h\n')
        return 2
    with open(argv[1]) as f:
        text = f.read()
    try:
        p = Parser(tokenize(text)).parse()
        g = Gen(p)
        g.run()
    except XdrError as e:
        sys.stderr.write('%s: %s\n' % (argv[1], e))
        return 1
    emit(p, g, argv[1], argv[2], argv[3])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
