// Package nebiuspb is the generated Go code of a small subset of the public
// Nebius AI Cloud gRPC API (github.com/nebius/api): compute/v1
// InstanceService (Get, GetByName, List, Create, Start, Stop, Delete) and
// DiskService (Get, List, Create, Delete), common/v1 OperationService.Get,
// and the messages they carry — metadata with labels, the parts of an
// instance's and a disk's spec a create sets, the ServiceError detail of
// failed calls.
//
// The .proto files under proto/ were written for this module because
// gosdk, which ships the real generated code, cannot be a dependency here
// (the module proxy refuses it). They keep the upstream package, service,
// message and field names and numbers, so the wire format is Nebius's;
// each message names the upstream file and commit it follows. Fields the
// adapter does not read are left out: protobuf skips them as unknown
// fields, which is what makes a subset safe to decode real answers with.
//
// The names are registered in the global protobuf registry under their
// upstream full names (nebius.compute.v1.Instance, ...), as gosdk's are:
// one binary cannot link both packages (protobuf-go refuses the conflict).
//
// Regenerate with protoc (Debian protobuf-compiler 3.21), protoc-gen-go
// v1.36.11 (matching go.mod's google.golang.org/protobuf) and
// protoc-gen-go-grpc v1.6.2, all on PATH:
//
//	go generate ./provider/nebius/nebiuspb
//
// proto/google/rpc/status.proto is only an import for protoc: its Go type
// is genproto's, and no code is generated from it.
package nebiuspb

//go:generate protoc --proto_path=proto --go_out=. --go_opt=module=github.com/driftless/driftless/provider/nebius/nebiuspb --go-grpc_out=. --go-grpc_opt=module=github.com/driftless/driftless/provider/nebius/nebiuspb nebius/common/v1/metadata.proto nebius/common/v1/operation.proto nebius/common/v1/operation_service.proto nebius/common/v1/error.proto nebius/compute/v1/network_interface.proto nebius/compute/v1/instance.proto nebius/compute/v1/instance_service.proto nebius/compute/v1/disk.proto nebius/compute/v1/disk_service.proto
