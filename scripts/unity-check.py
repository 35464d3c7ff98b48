#!/usr/bin/env python3
"""unity-check.py: finds the .cc files that cannot share a unity-build batch (docs/BUILD.md).

In a unity build CMake compiles several .cc files of one target as one translation unit, so two
files of a target that define the same name with internal linkage (in an anonymous namespace, or
`static` at namespace scope) collide. This scanner lists, per target folder, such names defined
in more than one file. It parses roughly (no preprocessor), so it may report a name that is in
fact fine; it does not miss a top-level definition written in the project's clang-format style.
Usage: scripts/unity-check.py [--cmake] [folders...]   (default: src/* tests/e2e). Exit 1 if
any (0 with --cmake, which prints instead, for cmake/Unity.cmake, one line per file that must not
share a batch with others: set(CHARTER_UNITY_APART_<path> <paths>...)).
"""
import os, re, sys
from collections import defaultdict

KEYWORDS = {"const", "constexpr", "static", "inline", "struct", "class", "enum", "union",
            "template", "typename", "using", "auto", "void", "operator", "return", "namespace",
            "unsigned", "signed", "long", "int", "char", "bool", "double", "float", "noexcept",
            "std", "final", "override", "thread_local", "extern", "volatile", "mutable"}


def strip(text):
    """Removes comments, string and char literals and preprocessor lines."""
    text = re.sub(r'R"(\w*)\((?:.|\n)*?\)\1"', '""', text)
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i); i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2); i = n if j < 0 else j + 2
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c); i = j + 1
        else:
            out.append(c); i += 1
    lines = [l for l in "".join(out).split("\n") if not l.lstrip().startswith("#")]
    return "\n".join(lines)


def name_of(stmt):
    stmt = re.sub(r"\s+", " ", stmt).strip()
    stmt = re.sub(r"^template ?<.*?> ?", "", stmt)
    m = re.match(r"(?:(?:static|inline|constexpr|const) )*(?:struct|class|union|enum(?: class)?) (\w+)", stmt)
    if m:
        return m.group(1)
    m = re.match(r"using (\w+) ?=", stmt)
    if m:
        return m.group(1)
    if stmt.startswith("using ") or stmt.startswith("namespace") or not stmt:
        return None
    head = re.split(r"[=;{\[]", stmt, 1)[0]
    # a function: the identifier just before the first top-level '('
    depth, k = 0, None
    for idx, ch in enumerate(head):
        if ch == "<": depth += 1
        elif ch == ">": depth -= 1
        elif ch == "(" and depth <= 0:
            k = idx; break
    if k is not None:
        ids = re.findall(r"[~\w:]+", head[:k])
        if ids and ids[-1] not in KEYWORDS and "::" not in ids[-1]:
            return ids[-1]
        return None
    ids = re.findall(r"\w+", head)
    ids = [x for x in ids if x not in KEYWORDS]
    return ids[-1] if ids else None


def internal_names(path):
    text = strip(open(path, encoding="utf-8", errors="replace").read())
    names = set()
    stack = []  # one entry per open brace: 'anon', 'ns', or 'other'
    stmt = ""
    i = 0
    while i < len(text):
        c = text[i]
        in_anon = stack and stack[-1] == "anon"
        at_ns = not stack or stack[-1] in ("ns", "anon")
        if c == "{":
            s = re.sub(r"\s+", " ", stmt).strip()
            kind = "other"
            if re.search(r"(^|\s)namespace$", s):
                kind = "anon"
            elif re.search(r"(^|\s)namespace [\w:]+$", s) or re.match(r'extern ""$', s):
                kind = "ns"
            if at_ns and kind == "other" and (in_anon or s.startswith("static ")):
                n = name_of(s)
                if n: names.add(n)
            stack.append(kind)
            stmt = "" if kind != "other" else stmt
            if kind == "other":
                # skip the body
                depth = 1; i += 1
                while i < len(text) and depth:
                    if text[i] == "{": depth += 1
                    elif text[i] == "}": depth -= 1
                    i += 1
                stack.pop()
                # a definition body ends the statement unless followed by ';' of a variable
                rest = text[i:i + 200].lstrip()
                if not rest.startswith(";") and not rest.startswith(","):
                    stmt = ""
                continue
        elif c == "}":
            if stack: stack.pop()
            stmt = ""
        elif c == ";":
            s = stmt.strip()
            if at_ns and s and (in_anon or re.match(r"\s*static ", s)):
                n = name_of(s)
                if n and not re.search(r"\)\s*(const)?\s*$", re.sub(r"\s+", " ", s)) or (n and in_anon and "(" not in s):
                    names.add(n)
            stmt = ""
        else:
            stmt += c
        i += 1
    return names


def folders(args):
    if args:
        return args
    out = sorted(os.path.join("src", d) for d in os.listdir("src") if os.path.isdir(os.path.join("src", d)))
    return out + ["tests/e2e"]


def main():
    args = sys.argv[1:]
    cmake = "--cmake" in args
    args = [a for a in args if a != "--cmake"]
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    found = False
    apart = defaultdict(set)
    for folder in folders(args):
        if not os.path.isdir(folder):
            continue
        files = sorted(f for f in os.listdir(folder) if f.endswith(".cc"))
        # library files and test files are different targets
        for group in ([f for f in files if not f.endswith("_test.cc")],
                      [f for f in files if f.endswith("_test.cc")]):
            where = defaultdict(list)
            for f in group:
                for n in internal_names(os.path.join(folder, f)):
                    if not re.fullmatch(r"[A-Z][A-Z0-9_]*", n):  # macros such as TEST(...)
                        where[n].append(f)
            for n, fs in sorted(where.items()):
                if len(fs) > 1:
                    found = True
                    if not cmake:
                        print("%s: %s in %s" % (folder, n, " ".join(fs)))
                    for f in fs:
                        apart[os.path.join(folder, f)].update(
                            os.path.join(folder, g) for g in fs if g != f)
    if cmake:
        print("# Generated by scripts/unity-check.py --cmake: files that must not share a batch.")
        for f in sorted(apart):
            print("set(CHARTER_UNITY_APART_%s %s)" % (f, " ".join(sorted(apart[f]))))
        return 0
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
