using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pulumi;

/// <summary>Lets System.Text.Json write outputs nested inside a value, remembering whether any of them
/// was unknown or secret and which resources they came from.</summary>
internal sealed class NestedOutputs : JsonConverterFactory
{
    public bool AnyUnknown { get; private set; }
    public bool AnySecret { get; private set; }
    public ImmutableHashSet<Resource> Resources { get; private set; } = ImmutableHashSet<Resource>.Empty;

    public JsonSerializerOptions Options(JsonSerializerOptions? options)
    {
        var copy = new JsonSerializerOptions(options ?? JsonSerializerOptions.Default);
        copy.Converters.Add(this);
        return copy;
    }

    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() is var definition
        && (definition == typeof(Output<>) || definition == typeof(Input<>));

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Writer<>).MakeGenericType(typeToConvert), this)!;

    sealed class Writer<TOutput>(NestedOutputs owner) : JsonConverter<TOutput>
    {
        public override TOutput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Outputs cannot be read from JSON.");

        public override void Write(Utf8JsonWriter writer, TOutput value, JsonSerializerOptions options)
        {
            var output = value is IInput input ? input.ToUntypedOutput() : (IOutput)value!;
            var data = output.GetDataAsync().GetAwaiter().GetResult();
            owner.AnyUnknown |= !data.IsKnown;
            owner.AnySecret |= data.IsSecret;
            owner.Resources = owner.Resources.Union(data.Resources);
            JsonSerializer.Serialize(writer, data.Value, options);
        }
    }
}
