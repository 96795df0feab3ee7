"""The contract RunCall calls: the services a LoadContract made known, then the peer's own.

A loaded contract is a google.protobuf.FileDescriptorSet linked into a descriptor pool of its own,
so that its messages are dynamic (message_factory) and never collide with the generated code that
registered itself in the default pool; looking there second keeps the peer's own services, the
control service among them, callable whatever was loaded.
"""

from collections.abc import Mapping, Sequence

from google.protobuf import (
    any_pb2,
    api_pb2,
    descriptor_pb2,
    descriptor_pool,
    duration_pb2,
    empty_pb2,
    field_mask_pb2,
    source_context_pb2,
    struct_pb2,
    timestamp_pb2,
    type_pb2,
    wrappers_pb2,
)
from google.protobuf.descriptor import FileDescriptor, MethodDescriptor
from google.protobuf.message import DecodeError

from peer.status import invalid_argument

# A set may leave these out (every protobuf runtime carries them); they then come from this runtime.
_WELL_KNOWN_FILES: Mapping[str, FileDescriptor] = {
    module.DESCRIPTOR.name: module.DESCRIPTOR
    for module in (
        any_pb2,
        api_pb2,
        descriptor_pb2,
        duration_pb2,
        empty_pb2,
        field_mask_pb2,
        source_context_pb2,
        struct_pb2,
        timestamp_pb2,
        type_pb2,
        wrappers_pb2,
    )
}

# upb's DescriptorPool.Add raises TypeError with this prefix before the reason.
_UPB_ERROR_PREFIX = "Couldn't build proto file into descriptor pool: "


class Contract:
    """Finds a method in the loaded descriptors first, then in the peer's generated code."""

    def __init__(
        self,
        loaded: descriptor_pool.DescriptorPool | None = None,
        services: Sequence[str] = (),
    ) -> None:
        self._pools = (
            [descriptor_pool.Default()] if loaded is None else [loaded, descriptor_pool.Default()]
        )
        # The full names of the services the loaded set declares, sorted.
        self.services = sorted(services)

    @classmethod
    def from_descriptor_set(cls, serialized: bytes) -> "Contract":
        """Parses and links a FileDescriptorSet; INVALID_ARGUMENT, saying why, when it cannot."""
        try:
            descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(serialized)
        except DecodeError as error:
            raise invalid_argument(f"does not parse as a FileDescriptorSet: {error}") from None
        files: dict[str, descriptor_pb2.FileDescriptorProto] = {}
        for file in descriptor_set.file:
            if file.name in files:
                raise invalid_argument(f'file "{file.name}" appears twice in the set')
            files[file.name] = file
        pool = descriptor_pool.DescriptorPool()
        linked: set[str] = set()
        for name in files:
            _link(name, files, pool, linked, importers=())
        services = [
            service.full_name
            for name in files
            for service in pool.FindFileByName(name).services_by_name.values()
        ]
        return cls(pool, services)

    def find_method(self, name: str) -> MethodDescriptor | None:
        """The method "package.Service/Method", or None when no known service declares it."""
        service_name, _, method_name = name.partition("/")
        for pool in self._pools:
            try:
                service = pool.FindServiceByName(service_name)
            except KeyError:
                continue
            method = service.methods_by_name.get(method_name)
            if method is not None:
                return method
        return None


def _link(
    name: str,
    files: Mapping[str, descriptor_pb2.FileDescriptorProto],
    pool: descriptor_pool.DescriptorPool,
    linked: set[str],
    importers: tuple[str, ...],
) -> None:
    """Adds a file to the pool after its imports: upb links each file as it is added."""
    if name in linked:
        return
    file = files[name] if name in files else _well_known_file(name)
    for dependency in file.dependency:
        if dependency in importers or dependency == name:
            raise invalid_argument(
                f'file "{name}" does not link: import cycle through "{dependency}"'
            )
        if dependency not in files and dependency not in _WELL_KNOWN_FILES:
            raise invalid_argument(
                f'file "{name}" does not link: its import "{dependency}" is not in the set'
            )
        _link(dependency, files, pool, linked, (*importers, name))
    try:
        pool.Add(file)
    except TypeError as error:
        reason = str(error).removeprefix(_UPB_ERROR_PREFIX)
        raise invalid_argument(f'file "{name}" does not link: {reason}') from None
    linked.add(name)


def _well_known_file(name: str) -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto()
    _WELL_KNOWN_FILES[name].CopyToProto(file)
    return file
