using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using Pulumi.Serialization;
using Pulumi.Testing;

namespace Pulumi;

/// <summary>The mock engine: registers resources with <see cref="IMocks"/>, resolves their outputs,
/// answers invokes, and fails the run with every error logged, as the real test engine does.</summary>
internal sealed class Engine
{
    readonly IMocks _mocks;
    readonly ImmutableDictionary<string, string> _config;
    readonly object _gate = new();
    readonly List<Resource> _resources = [];
    readonly HashSet<string> _urns = [];
    readonly List<Task> _pending = [];
    readonly List<string> _errors = [];
    readonly HashSet<Exception> _reported = new(ReferenceEqualityComparer.Instance);

    public Engine(IMocks mocks, TestOptions options)
    {
        _mocks = mocks;
        ProjectName = options.ProjectName ?? "project";
        StackName = options.StackName ?? "stack";
        OrganizationName = options.OrganizationName ?? "organization";
        IsDryRun = options.IsPreview ?? true;
        _config = ReadConfig(Environment.GetEnvironmentVariable("PULUMI_CONFIG"));
    }

    public string ProjectName { get; }
    public string StackName { get; }
    public string OrganizationName { get; }
    public bool IsDryRun { get; }
    public Resource? Root { get; private set; }

    public ImmutableArray<Resource> Resources
    {
        get
        {
            lock (_gate)
                return [.. _resources];
        }
    }

    public string? GetConfig(string fullKey) => _config.GetValueOrDefault(fullKey);

    /// <summary>Keys may be written project:config:key; the engine knows them as project:key.</summary>
    static ImmutableDictionary<string, string> ReadConfig(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return ImmutableDictionary<string, string>.Empty;
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        return values.ToImmutableDictionary(pair => pair.Key.Replace(":config:", ":"), pair => pair.Value);
    }

    public void Track(Task task)
    {
        lock (_gate)
            _pending.Add(task);
    }

    public void Log(LogSeverity severity, string message)
    {
        if (severity != LogSeverity.Error)
            return;
        lock (_gate)
            _errors.Add(message);
    }

    public async Task RunAsync(Func<Task> program)
    {
        try
        {
            await program().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Report(exception);
        }

        await DrainAsync().ConfigureAwait(false);
        List<string> errors;
        lock (_gate)
            errors = [.. _errors];
        if (errors.Count == 1)
            throw new RunException(errors[0]);
        if (errors.Count > 1)
            throw new AggregateException(errors.Select(error => new RunException(error)));
    }

    async Task DrainAsync()
    {
        while (true)
        {
            Task[] batch;
            lock (_gate)
            {
                batch = [.. _pending];
                _pending.Clear();
            }

            if (batch.Length == 0)
                return;
            try
            {
                await Task.WhenAll(batch).ConfigureAwait(false);
            }
            catch
            {
                // Every faulted task is reported below, once per distinct exception.
            }

            foreach (var task in batch.Where(task => task.IsFaulted))
                foreach (var exception in task.Exception!.InnerExceptions)
                    Report(exception);
        }
    }

    void Report(Exception exception)
    {
        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions)
                Report(inner);
            return;
        }

        lock (_gate)
            if (_reported.Add(exception))
                _errors.Add(Describe(exception));
    }

    public static string Describe(Exception exception) => exception switch
    {
        RunException run => run.Message,
        ResourceException { HideStack: true } resource => resource.Message,
        ResourceException resource => resource.ToString(),
        _ => $"Running program '{Environment.ProcessPath}' failed with an unhandled exception:\n{exception}",
    };

    public Registration Register(Resource resource, bool custom, bool isStack, ResourceArgs args, ResourceOptions options)
    {
        var parent = options.Parent ?? (isStack ? null : Root);
        var inherited = parent?.Registration.Transformations ?? [];
        ImmutableArray<ResourceTransformation> transformations = [.. options.ResourceTransformations, .. inherited];
        foreach (var transformation in transformations)
        {
            if (transformation(new ResourceTransformationArgs(resource, args, options)) is not { } result)
                continue;
            if (result.Options.Parent != options.Parent)
                throw new ArgumentException("Transformations cannot currently be used to change the `parent` of a resource.");
            (args, options) = (result.Args, result.Options);
        }

        var type = resource.GetResourceType();
        var name = resource.GetResourceName();
        var qualifiedType = parent is null || parent == Root ? type : $"{parent.Registration.QualifiedType}${type}";
        var urn = $"urn:pulumi:{StackName}::{ProjectName}::{qualifiedType}::{name}";
        lock (_gate)
        {
            if (!_urns.Add(urn))
                throw new RunException($"Duplicate resource URN '{urn}'; try giving it a unique name");
            _resources.Add(resource);
        }

        if (isStack)
            Root = resource;
        var registration = new Registration(resource, parent, urn, qualifiedType, custom, args, options, transformations);
        registration.Start(this, isStack);
        return registration;
    }

    public async Task<(string? Id, object State)> NewResourceAsync(MockResourceArgs args) =>
        await _mocks.NewResourceAsync(args).ConfigureAwait(false);

    public void RegisterOutputs(Resource resource, Output<IDictionary<string, object?>> outputs) =>
        Track(RegisterOutputsAsync(resource, outputs));

    async Task RegisterOutputsAsync(Resource resource, Output<IDictionary<string, object?>> outputs)
    {
        var data = await outputs.DataTask.ConfigureAwait(false);
        var values = (data.Value ?? new Dictionary<string, object?>()).ToImmutableDictionary(
            pair => pair.Key, pair => AsOutput(pair.Value));
        await _mocks.RegisterResourceOutputs(new MockRegisterResourceOutputsRequest(resource.Registration.Urn, values))
            .ConfigureAwait(false);
    }

    static Output<object?> AsOutput(object? value) => value switch
    {
        IInput input => new Output<object?>(input.ToUntypedOutput().GetDataAsync()),
        IOutput output => new Output<object?>(output.GetDataAsync()),
        _ => Output.Create(value),
    };

    public async Task<T> InvokeAsync<T>(string token, InvokeArgs args, InvokeOptions? options) =>
        (await InvokeDataAsync<T>(token, args, options).ConfigureAwait(false)).Value;

    public async Task<OutputData<T>> InvokeDataAsync<T>(string token, InvokeArgs args, InvokeOptions? options)
    {
        var inputs = await InputSerializer.SerializeAsync(args).ConfigureAwait(false);
        if (inputs.AnyUnknown)
            return new OutputData<T>(default!, false, inputs.AnySecret, inputs.Resources);

        var package = token.Split(':')[0];
        var provider = options?.Provider ?? options?.Parent?.Registration.Providers.GetValueOrDefault(package);
        var result = await _mocks.CallAsync(new MockCallArgs
        {
            Token = token,
            Args = inputs.Values,
            Provider = provider is null ? null : await provider.Registration.ReferenceAsync().ConfigureAwait(false),
        }).ConfigureAwait(false);
        var value = (T)Converter.Convert(typeof(T), result)!;
        return new OutputData<T>(value, true, inputs.AnySecret, inputs.Resources);
    }
}

/// <summary>One resource's place in the deployment: URN, parent, providers, and its pending outputs.</summary>
internal sealed class Registration
{
    readonly Dictionary<string, IOutputCompletion> _outputs = [];
    readonly OutputCompletion<string>? _id;

    public Registration(Resource resource, Resource? parent, string urn, string qualifiedType, bool custom,
        ResourceArgs args, ResourceOptions options, ImmutableArray<ResourceTransformation> transformations)
    {
        Resource = resource;
        Parent = parent;
        Urn = urn;
        QualifiedType = qualifiedType;
        Custom = custom;
        Args = args;
        Options = options;
        Transformations = transformations;
        Providers = InheritProviders(parent, custom, options);
        Provider = custom && resource is not ProviderResource
            ? options.Provider ?? Providers.GetValueOrDefault(resource.GetResourceType().Split(':')[0])
            : null;

        resource.Urn = Output<string>.FromData(new OutputData<string>(urn, true, false, ResourceSet.Of(resource)));
        if (resource is CustomResource customResource)
        {
            _id = new OutputCompletion<string>(resource);
            customResource.Id = _id.Output;
        }

        if (custom)
            foreach (var (property, name) in OutputProperties(resource.GetType()))
            {
                var completion = OutputCompletion.For(property.PropertyType.GetGenericArguments()[0], resource);
                _outputs[name] = completion;
                property.SetValue(resource, completion.Output);
            }
    }

    public Resource Resource { get; }
    public Resource? Parent { get; }
    public string Urn { get; }
    public string QualifiedType { get; }
    public bool Custom { get; }
    public ResourceArgs Args { get; }
    public ResourceOptions Options { get; }
    public ImmutableArray<ResourceTransformation> Transformations { get; }
    public ImmutableDictionary<string, ProviderResource> Providers { get; }
    public ProviderResource? Provider { get; }

    static ImmutableDictionary<string, ProviderResource> InheritProviders(Resource? parent, bool custom, ResourceOptions options)
    {
        var providers = parent?.Registration.Providers ?? ImmutableDictionary<string, ProviderResource>.Empty;
        if (custom)
            return providers;
        if (options is ComponentResourceOptions component)
            foreach (var provider in component.Providers)
                providers = providers.SetItem(provider.Package, provider);
        return options.Provider is { } single ? providers.SetItem(single.Package, single) : providers;
    }

    static IEnumerable<(PropertyInfo Property, string Name)> OutputProperties(Type type) =>
        type.GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(property => property.DeclaringType != typeof(Resource) && property.DeclaringType != typeof(CustomResource))
            .Select(property => (property, attribute: property.GetCustomAttribute<OutputAttribute>()))
            .Where(pair => pair.attribute is not null && pair.property.PropertyType.IsGenericType
                && pair.property.PropertyType.GetGenericTypeDefinition() == typeof(Output<>))
            .Select(pair => (pair.property, pair.attribute!.Name ?? pair.property.Name));

    /// <summary>A component's public [Output] properties, as RegisterOutputs() exports them.</summary>
    public IDictionary<string, object?> PropertyOutputs() =>
        Resource.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(property => property.DeclaringType != typeof(Resource))
            .Select(property => (property, attribute: property.GetCustomAttribute<OutputAttribute>()))
            .Where(pair => pair.attribute is not null)
            .ToDictionary(pair => pair.attribute!.Name ?? pair.property.Name, pair => pair.property.GetValue(Resource));

    public async Task<string> ReferenceAsync()
    {
        var id = _id is null ? "" : (await _id.Output.DataTask.ConfigureAwait(false)).Value;
        return $"{Urn}::{id}";
    }

    public void Start(Engine engine, bool isStack) => engine.Track(RegisterAsync(engine, isStack));

    async Task RegisterAsync(Engine engine, bool isStack)
    {
        try
        {
            var inputs = await InputSerializer.SerializeAsync(Args).ConfigureAwait(false);
            if (isStack)
                return;
            var importId = Options.Id is null ? null : (await ((Output<string>)Options.Id).DataTask.ConfigureAwait(false)).Value;
            var (id, state) = await engine.NewResourceAsync(new MockResourceArgs
            {
                Type = Resource.GetResourceType(),
                Name = Resource.GetResourceName(),
                Inputs = inputs.Values,
                Provider = Provider is null ? "" : await Provider.Registration.ReferenceAsync().ConfigureAwait(false),
                Id = importId ?? "",
            }).ConfigureAwait(false);
            if (Custom)
                await ResolveAsync(engine, id ?? importId ?? "", state).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _id?.SetException(exception);
            foreach (var completion in _outputs.Values)
                completion.SetException(exception);
            throw;
        }
    }

    async Task ResolveAsync(Engine engine, string id, object state)
    {
        _id?.SetValue(id, known: id.Length > 0, isSecret: false);
        var values = state as System.Collections.IDictionary;
        foreach (var (name, completion) in _outputs)
        {
            if (values is null || !values.Contains(name))
            {
                completion.SetValue(null, known: !engine.IsDryRun, isSecret: false);
                continue;
            }

            var value = values[name];
            var isSecret = false;
            if (value is IOutput output)
            {
                var data = await output.GetDataAsync().ConfigureAwait(false);
                (value, isSecret) = (data.Value, data.IsSecret);
            }

            try
            {
                completion.SetValue(Converter.Convert(completion.ValueType, value), known: true, isSecret);
            }
            catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException
                or InvalidOperationException)
            {
                engine.Log(LogSeverity.Warning, $"Output '{name}' of {Urn} could not be read: {exception.Message}");
                completion.SetValue(null, known: true, isSecret);
            }
        }
    }
}

internal interface IOutputCompletion
{
    Type ValueType { get; }
    object Output { get; }
    void SetValue(object? value, bool known, bool isSecret);
    void SetException(Exception exception);
}

internal static class OutputCompletion
{
    public static IOutputCompletion For(Type valueType, Resource resource) =>
        (IOutputCompletion)Activator.CreateInstance(typeof(OutputCompletion<>).MakeGenericType(valueType), resource)!;
}

internal sealed class OutputCompletion<T>(Resource resource) : IOutputCompletion
{
    readonly TaskCompletionSource<OutputData<T>> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Output<T>? _output;

    public Output<T> Output => _output ??= new Output<T>(_source.Task);
    public Type ValueType => typeof(T);
    object IOutputCompletion.Output => Output;

    public void SetValue(object? value, bool known, bool isSecret) =>
        _source.TrySetResult(new OutputData<T>(value is null ? default! : (T)value, known, isSecret, ResourceSet.Of(resource)));

    public void SetException(Exception exception) => _source.TrySetException(exception);
}
