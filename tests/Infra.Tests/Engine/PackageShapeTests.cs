using System.Reflection;
using Infra.Plan;
using Pulumi;
using Infra.Tests.Stacks;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Engine;

/// <summary>The shapes of Pulumi.Aws the code may assume, as the real package's C# code generation makes them. These
/// run on whichever Pulumi.Aws the build uses: on the stand-in they catch a generator that drifts from the real package
/// before a workstation's build (on the real package) does.</summary>
public class PackageShapeTests
{
    static readonly NullabilityInfoContext Nullability = new();

    static IEnumerable<Type> ArgsTypes => typeof(Aws.Provider).Assembly.GetExportedTypes()
        .Where(type => type.IsSubclassOf(typeof(ResourceArgs)));

    /// <summary>Codegen: a secret input is a property over a private [Input] field whose setter wraps the value as a
    /// secret, and it is nullable even when the input is required (code converting it to Output must check for null).</summary>
    [Test]
    public void Every_secret_input_is_nullable_even_when_required()
    {
        var secretInputs = ArgsTypes.SelectMany(type => type.GetProperties()
            .Where(property => property.GetCustomAttribute<InputAttribute>() is null
                && property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Input<>)
                && type.GetField($"_{char.ToLowerInvariant(property.Name[0])}{property.Name[1..]}", BindingFlags.NonPublic | BindingFlags.Instance)
                    ?.GetCustomAttribute<InputAttribute>() is not null))
            .ToList();
        Assert.That(secretInputs.Select(p => $"{p.DeclaringType!.Name}.{p.Name}"), Does.Contain("ServerCertificateArgs.PrivateKey"));
        var notNullable = secretInputs.Where(p => Nullability.Create(p).ReadState != NullabilityState.Nullable).Select(p => $"{p.DeclaringType!.Name}.{p.Name}");
        Assert.That(notNullable, Is.Empty);
    }

    /// <summary>Codegen: a field of a nested output type is nullable unless the provider schema requires it. The fields
    /// below are optional in @pulumi/aws 7.48.0's schema (pulumi-aws-dotnet-types.md, section 11).</summary>
    [TestCase(typeof(Aws.LB.Outputs.TargetGroupHealthCheck), "Matcher", "Path", "Timeout")]
    [TestCase(typeof(Aws.Ec2.Outputs.LaunchTemplateMetadataOptions), "HttpEndpoint", "HttpPutResponseHopLimit", "HttpTokens", "InstanceMetadataTags")]
    [TestCase(typeof(Aws.Ec2.Outputs.LaunchTemplateBlockDeviceMappingEbs), "VolumeSize", "VolumeType")]
    [TestCase(typeof(Aws.AutoScaling.Outputs.GroupLaunchTemplate), "Id", "Version")]
    [TestCase(typeof(Aws.Acm.Outputs.CertificateDomainValidationOption), "DomainName", "ResourceRecordName", "ResourceRecordType", "ResourceRecordValue")]
    public void Optional_fields_of_nested_outputs_are_nullable(Type type, params string[] fields)
    {
        foreach (var name in fields)
        {
            var field = type.GetField(name) ?? throw new AssertionException($"{type.Name} has no field {name}");
            var nullable = field.FieldType.IsValueType
                ? Nullable.GetUnderlyingType(field.FieldType) is not null
                : Nullability.Create(field).ReadState == NullabilityState.Nullable;
            Assert.That(nullable, Is.True, $"{type.Name}.{name}");
        }
    }

    /// <summary>Codegen: `string | string[]` is InputUnion&lt;string, ImmutableArray&lt;string&gt;&gt;, a map of any has
    /// object values, a union of three or more types is object.</summary>
    [Test]
    public void Policy_statement_members_have_the_real_union_and_map_types()
    {
        var statement = typeof(Aws.Iam.Inputs.PolicyStatementArgs);
        Assert.That(statement.GetProperty("Action")!.PropertyType, Is.EqualTo(typeof(InputUnion<string, System.Collections.Immutable.ImmutableArray<string>>)));
        Assert.That(statement.GetProperty("Condition")!.PropertyType, Is.EqualTo(typeof(InputMap<object>)));
        Assert.That(statement.GetProperty("Principal")!.PropertyType, Is.EqualTo(typeof(Input<object>)));
    }

    /// <summary>The real Args constructors set these inputs; the engine sees them though the program never sets them.</summary>
    [Test]
    public async Task Constructor_defaults_are_the_real_packages()
    {
        var provider = new Aws.ProviderArgs();
        var group = new Aws.Ec2.SecurityGroupArgs();
        Assert.That(await Known(provider.SkipCredentialsValidation), Is.False);
        Assert.That(await Known(provider.SkipRegionValidation), Is.True);
        Assert.That(await Known(group.Description), Is.EqualTo("Managed by Pulumi"));

        static async Task<T> Known<T>(Input<T>? input) =>
            await ((Output<T>)(input ?? throw new AssertionException("the constructor set no value"))).ValueAsync();
    }

    /// <summary>The plan shows what the real package sends: the provider's inputs travel JSON-encoded (as the engine
    /// stores a provider's configuration), and a security group always has a description.</summary>
    [Test]
    public async Task The_prod_plan_carries_the_constructor_defaults()
    {
        var plan = await PlanRunner.RunAsync(StackRun.ProjectDirectory, "prod");
        var providers = plan.Resources.Where(r => r.Type == "pulumi:providers:aws").ToList();
        Assert.That(providers, Is.Not.Empty);
        foreach (var provider in providers)
            Assert.That((provider.Inputs["skipRegionValidation"]?.ToString(), provider.Inputs["skipCredentialsValidation"]?.ToString()),
                Is.EqualTo(("true", "false")), provider.Name);
        var groups = plan.Resources.Where(r => r.Type == "aws:ec2/securityGroup:SecurityGroup").ToList();
        Assert.That(groups, Is.Not.Empty);
        Assert.That(groups.Where(g => string.IsNullOrEmpty(g.Inputs["description"]?.ToString())).Select(g => g.Name), Is.Empty);
    }
}
