package server

import (
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// applyMask copies the fields named by paths from src into dst (AIP-134): a path names a
// field ("comment") or a field inside a message field ("symptom.severity"). A field unset
// in src is cleared in dst. Paths are checked against the method's allow-list by
// protovalidate before a handler runs, so an unknown path here is skipped.
func applyMask(dst, src proto.Message, paths []string) {
	for _, path := range paths {
		copyPath(dst.ProtoReflect(), src.ProtoReflect(), strings.Split(path, "."))
	}
}

func copyPath(dst, src protoreflect.Message, parts []string) {
	fd := dst.Descriptor().Fields().ByName(protoreflect.Name(parts[0]))
	if fd == nil {
		return
	}
	if len(parts) == 1 {
		if src.Has(fd) {
			dst.Set(fd, src.Get(fd))
		} else {
			dst.Clear(fd)
		}
		return
	}
	if fd.Message() == nil || fd.IsList() || fd.IsMap() {
		return
	}
	// Descend into the message field, creating it in dst when the path sets a part of it.
	copyPath(dst.Mutable(fd).Message(), src.Get(fd).Message(), parts[1:])
}

// maskOrAll returns the mask's paths, or all when the mask is empty: AIP-134 says an
// empty mask updates every field.
func maskOrAll(paths, all []string) []string {
	if len(paths) == 0 {
		return all
	}
	return paths
}
