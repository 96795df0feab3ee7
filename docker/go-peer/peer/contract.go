package peer

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// Every well-known type in protoregistry.GlobalFiles, for the sets that leave them out: the
	// contract lets them, as every protobuf runtime carries them, but this binary links only the
	// ones its own code uses.
	_ "google.golang.org/protobuf/types/known/anypb"
	_ "google.golang.org/protobuf/types/known/apipb"
	_ "google.golang.org/protobuf/types/known/durationpb"
	_ "google.golang.org/protobuf/types/known/emptypb"
	_ "google.golang.org/protobuf/types/known/fieldmaskpb"
	_ "google.golang.org/protobuf/types/known/sourcecontextpb"
	_ "google.golang.org/protobuf/types/known/structpb"
	_ "google.golang.org/protobuf/types/known/timestamppb"
	_ "google.golang.org/protobuf/types/known/typepb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
)

// wellKnownPrefix is where the well-known types live, the only imports a set may leave out.
const wellKnownPrefix = "google/protobuf/"

// contract is a compiled contract that LoadContract made known: its files, linked, where RunCall
// looks for a method before it looks in the peer's own generated code.
type contract struct {
	files *protoregistry.Files
	// The full names of the services its files declare, sorted.
	services []string
}

// parseContract reads a serialized google.protobuf.FileDescriptorSet and links it; the error says
// why the set cannot be used.
func parseContract(serialized []byte) (*contract, error) {
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(serialized, &set); err != nil {
		return nil, fmt.Errorf("file_descriptor_set does not parse as a FileDescriptorSet: %v", err)
	}
	files, err := link(&set)
	if err != nil {
		return nil, err
	}
	loaded := &contract{files: files}
	for _, file := range set.GetFile() {
		linked, _ := files.FindFileByPath(file.GetName())
		for index := range linked.Services().Len() {
			loaded.services = append(loaded.services, string(linked.Services().Get(index).FullName()))
		}
	}
	slices.Sort(loaded.services)
	return loaded, nil
}

// link turns a set into descriptors, each file after its imports. protodesc.NewFiles would do it
// too, but its errors do not say which file failed, and it resolves nothing outside the set.
func link(set *descriptorpb.FileDescriptorSet) (*protoregistry.Files, error) {
	inSet := make(map[string]*descriptorpb.FileDescriptorProto, len(set.GetFile()))
	for _, file := range set.GetFile() {
		if _, twice := inSet[file.GetName()]; twice {
			return nil, fmt.Errorf("%s is in the set twice", file.GetName())
		}
		inSet[file.GetName()] = file
	}
	files := new(protoregistry.Files)
	// The files whose imports are being linked: meeting one of them again is an import cycle.
	linking := make(map[string]bool)
	var linkFile func(file *descriptorpb.FileDescriptorProto) error
	linkFile = func(file *descriptorpb.FileDescriptorProto) error {
		name := file.GetName()
		if _, err := files.FindFileByPath(name); err == nil {
			return nil
		}
		if linking[name] {
			return fmt.Errorf("%s does not link: its imports lead back to it", name)
		}
		linking[name] = true
		defer delete(linking, name)
		for _, imported := range file.GetDependency() {
			if importedFile, ok := inSet[imported]; ok {
				if err := linkFile(importedFile); err != nil {
					return err
				}
			} else if !registerWellKnown(files, imported) {
				return fmt.Errorf(`%s does not link: it imports "%s", which the set does not carry`, name, imported)
			}
		}
		linked, err := protodesc.NewFile(file, files)
		if err == nil {
			err = files.RegisterFile(linked)
		}
		if err != nil {
			return fmt.Errorf("%s does not link: %v", name, err)
		}
		return nil
	}
	for _, file := range set.GetFile() {
		if err := linkFile(file); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// registerWellKnown adds the runtime's own copy of a well-known file, and of what it imports, to
// files; false when path is no well-known file.
func registerWellKnown(files *protoregistry.Files, path string) bool {
	if _, err := files.FindFileByPath(path); err == nil {
		return true
	}
	if !strings.HasPrefix(path, wellKnownPrefix) {
		return false
	}
	runtime, err := protoregistry.GlobalFiles.FindFileByPath(path)
	if err != nil {
		return false
	}
	for index := range runtime.Imports().Len() {
		registerWellKnown(files, runtime.Imports().Get(index).Path())
	}
	return files.RegisterFile(runtime) == nil
}

// findMethod is a method by its full name, "pkg.Service/Method", among files.
func findMethod(files *protoregistry.Files, name string) (protoreflect.MethodDescriptor, bool) {
	service, method, ok := strings.Cut(name, "/")
	if !ok {
		return nil, false
	}
	descriptor, err := files.FindDescriptorByName(protoreflect.FullName(service))
	if err != nil {
		return nil, false
	}
	serviceDescriptor, ok := descriptor.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, false
	}
	methodDescriptor := serviceDescriptor.Methods().ByName(protoreflect.Name(method))
	return methodDescriptor, methodDescriptor != nil
}
