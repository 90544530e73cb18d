using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace LiveMux.Server.Tests.Architecture;

/// <summary>
/// What a built assembly refers to, read from its metadata and IL with System.Reflection.Metadata: its assembly
/// references, its type references, and which of its own types mention a given foreign type (in a signature, a
/// local, a catch clause or an instruction), so a rule can name the type that breaks it.
/// </summary>
internal sealed class TypeUsage : IDisposable
{
    private static readonly Dictionary<short, OperandType> s_operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly PEReader _pe;
    private readonly MetadataReader _md;

    public TypeUsage(Assembly assembly)
    {
        _pe = new PEReader(File.OpenRead(assembly.Location));
        _md = _pe.GetMetadataReader();
    }

    public IReadOnlyList<string> AssemblyReferences =>
        [.. _md.AssemblyReferences.Select(h => _md.GetString(_md.GetAssemblyReference(h).Name))];

    /// <summary>Every type referenced from another assembly, by full name.</summary>
    public IReadOnlyList<string> TypeReferences => [.. _md.TypeReferences.Select(Name)];

    /// <summary>
    /// For each top-level type of this assembly (its nested, lambda and state-machine types included), the types of
    /// <paramref name="foreign"/> it mentions.
    /// </summary>
    public Dictionary<string, SortedSet<string>> UsersOf(IReadOnlySet<string> foreign)
    {
        var users = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var handle in _md.TypeDefinitions)
        {
            var names = new Collector(this);
            var type = _md.GetTypeDefinition(handle);
            names.Add(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
            {
                names.Add(_md.GetInterfaceImplementation(i).Interface);
            }

            foreach (var f in type.GetFields())
            {
                _md.GetFieldDefinition(f).DecodeSignature(names, null);
            }

            foreach (var m in type.GetMethods())
            {
                var method = _md.GetMethodDefinition(m);
                method.DecodeSignature(names, null);
                if (method.RelativeVirtualAddress != 0)
                {
                    Body(_pe.GetMethodBody(method.RelativeVirtualAddress), names);
                }
            }

            var hits = names.Seen.Where(foreign.Contains).ToList();
            if (hits.Count > 0)
            {
                var top = TopLevel(handle);
                if (!users.TryGetValue(top, out var set))
                {
                    users[top] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(hits);
            }
        }

        return users;
    }

    private void Body(MethodBodyBlock body, Collector names)
    {
        if (!body.LocalSignature.IsNil)
        {
            _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null);
        }

        foreach (var region in body.ExceptionRegions)
        {
            names.Add(region.CatchType);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = (short)(0xFE00 | il.ReadByte());
            }

            switch (s_operands[code])
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    names.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32(); // read first: `Offset += 4 * ReadInt32()` reads Offset before the count
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                default:
                    il.Offset += 4;
                    break;
            }
        }
    }

    private string TopLevel(TypeDefinitionHandle handle)
    {
        var type = _md.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } outer)
        {
            type = _md.GetTypeDefinition(outer);
        }

        return $"{_md.GetString(type.Namespace)}.{_md.GetString(type.Name)}";
    }

    private string Name(TypeReferenceHandle handle)
    {
        var type = _md.GetTypeReference(handle);
        var name = _md.GetString(type.Name);
        return type.ResolutionScope.Kind == HandleKind.TypeReference
            ? $"{Name((TypeReferenceHandle)type.ResolutionScope)}+{name}"
            : $"{_md.GetString(type.Namespace)}.{name}";
    }

    public void Dispose() => _pe.Dispose();

    /// <summary>Decodes signatures into the full names of every type they mention.</summary>
    private sealed class Collector(TypeUsage owner) : ISignatureTypeProvider<string, object?>
    {
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        private MetadataReader Md => owner._md;

        public void Add(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeReference:
                    GetTypeFromReference(Md, (TypeReferenceHandle)handle, 0);
                    break;
                case HandleKind.TypeSpecification:
                    Md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    var member = Md.GetMemberReference((MemberReferenceHandle)handle);
                    Add(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var spec = Md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Add(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
            }
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var name = owner.Name(handle);
            Seen.Add(name);
            return name;
        }

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => owner.TopLevel(handle);

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSZArrayType(string elementType) => elementType;

        public string GetArrayType(string elementType, ArrayShape shape) => elementType;

        public string GetByReferenceType(string elementType) => elementType;

        public string GetPointerType(string elementType) => elementType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;

        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "method";
    }
}
