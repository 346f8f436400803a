package nebiuspb_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/driftless/driftless/provider/nebius/nebiuspb" // registers the files
)

// TestGeneratedCodeIsFresh fails when a .proto file under proto/nebius was
// edited without `go generate`: CI has no protoc, so it compares each
// file's declarations, read off its text, with the descriptor the
// committed generated code registers.
func TestGeneratedCodeIsFresh(t *testing.T) {
	root := "proto"
	err := filepath.WalkDir(filepath.Join(root, "nebius"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".proto") {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fd, err := protoregistry.GlobalFiles.FindFileByPath(rel)
			if err != nil {
				t.Fatalf("not generated: %v", err)
			}
			if diff := cmp.Diff(declaredIn(t, string(text)), registered(fd)); diff != "" {
				t.Errorf("the generated code differs from %s; run go generate (-proto +generated):\n%s", rel, diff)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var (
	blockRE = regexp.MustCompile(`^(message|enum|service|oneof)\s+(\w+)\s*\{$`)
	fieldRE = regexp.MustCompile(`^(?:repeated\s+)?([\w.]+|map<\w+,\s*\w+>)\s+(\w+)\s*=\s*(\d+);$`)
	valueRE = regexp.MustCompile(`^(\w+)\s*=\s*(\d+);$`)
	rpcRE   = regexp.MustCompile(`^rpc\s+(\w+)\(([\w.]+)\)\s+returns\s+\(([\w.]+)\);$`)
)

// declaredIn lists the declarations of a .proto file of this subset's
// simple style (one declaration a line), each as "scope kind name = n".
func declaredIn(t *testing.T, text string) []string {
	t.Helper()
	var out []string
	type block struct{ kind, name string }
	var stack []block
	scope := func() string {
		var names []string
		for _, b := range stack {
			if b.kind != "oneof" {
				names = append(names, b.name)
			}
		}
		return strings.Join(names, ".")
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		kind := ""
		if len(stack) > 0 {
			kind = stack[len(stack)-1].kind
		}
		switch m := blockRE.FindStringSubmatch(line); {
		case m != nil:
			if m[1] != "oneof" {
				out = append(out, fmt.Sprintf("%s %s", m[1], strings.TrimPrefix(scope()+"."+m[2], ".")))
			}
			stack = append(stack, block{m[1], m[2]})
		case line == "}":
			stack = stack[:len(stack)-1]
		case kind == "message" || kind == "oneof":
			f := fieldRE.FindStringSubmatch(line)
			if f == nil {
				t.Fatalf("a message line this test cannot read: %q", line)
			}
			out = append(out, fmt.Sprintf("%s field %s = %s", scope(), f[2], f[3]))
		case kind == "enum":
			v := valueRE.FindStringSubmatch(line)
			if v == nil {
				t.Fatalf("an enum line this test cannot read: %q", line)
			}
			out = append(out, fmt.Sprintf("%s value %s = %s", scope(), v[1], v[2]))
		case kind == "service":
			r := rpcRE.FindStringSubmatch(line)
			if r == nil {
				t.Fatalf("a service line this test cannot read: %q", line)
			}
			out = append(out, fmt.Sprintf("%s rpc %s(%s) %s", scope(), r[1], r[2][strings.LastIndex(r[2], ".")+1:], r[3][strings.LastIndex(r[3], ".")+1:]))
		}
	}
	slices.Sort(out)
	return out
}

// registered lists the same declarations of a generated file descriptor.
func registered(fd protoreflect.FileDescriptor) []string {
	var out []string
	pkg := string(fd.Package()) + "."
	local := func(d protoreflect.Descriptor) string { return strings.TrimPrefix(string(d.FullName()), pkg) }
	var message func(m protoreflect.MessageDescriptor)
	enum := func(e protoreflect.EnumDescriptor) {
		out = append(out, "enum "+local(e))
		for i := range e.Values().Len() {
			v := e.Values().Get(i)
			// Enum values are scoped in their enum's parent: name them by the enum.
			out = append(out, fmt.Sprintf("%s value %s = %d", local(e), v.Name(), v.Number()))
		}
	}
	message = func(m protoreflect.MessageDescriptor) {
		if m.IsMapEntry() {
			return // a map field's entry type: the .proto declares the field only
		}
		out = append(out, "message "+local(m))
		for i := range m.Fields().Len() {
			f := m.Fields().Get(i)
			out = append(out, fmt.Sprintf("%s field %s = %d", local(m), f.Name(), f.Number()))
		}
		for i := range m.Enums().Len() {
			enum(m.Enums().Get(i))
		}
		for i := range m.Messages().Len() {
			message(m.Messages().Get(i))
		}
	}
	for i := range fd.Messages().Len() {
		message(fd.Messages().Get(i))
	}
	for i := range fd.Enums().Len() {
		enum(fd.Enums().Get(i))
	}
	for i := range fd.Services().Len() {
		s := fd.Services().Get(i)
		out = append(out, "service "+local(s))
		for j := range s.Methods().Len() {
			m := s.Methods().Get(j)
			out = append(out, fmt.Sprintf("%s rpc %s(%s) %s", local(s), m.Name(), m.Input().Name(), m.Output().Name()))
		}
	}
	slices.Sort(out)
	return out
}
