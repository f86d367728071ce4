using System.Collections.Immutable;
using Pulumi;
using Pulumi.Utilities;

namespace Offline.Tests;

public class OutputTests
{
    [Test]
    public async Task Apply_transforms_a_known_value()
    {
        var doubled = Output.Create(21).Apply(x => x * 2);
        Assert.That(await OutputUtilities.GetValueAsync(doubled), Is.EqualTo(42));
        Assert.That(await OutputUtilities.GetIsKnownAsync(doubled), Is.True);
    }

    [Test]
    public async Task Apply_flattens_outputs_and_inputs_returned_by_the_callback()
    {
        Output<int> nested = Output.Create(1).Apply(x => Output.Create(x + 1));
        Output<string> viaInput = Output.Create("a").Apply(x => (Input<string>)(x + "b"));
        Output<int> viaTask = Output.Create(2).Apply(x => Task.FromResult(x * 5));
        Assert.That(await OutputUtilities.GetValueAsync(nested), Is.EqualTo(2));
        Assert.That(await OutputUtilities.GetValueAsync(viaInput), Is.EqualTo("ab"));
        Assert.That(await OutputUtilities.GetValueAsync(viaTask), Is.EqualTo(10));
    }

    [Test]
    public async Task Apply_does_not_run_on_an_unknown_value_and_stays_unknown()
    {
        var ran = false;
        var result = OutputUtilities.CreateUnknown("x").Apply(value =>
        {
            ran = true;
            return value.Length;
        });
        Assert.That(await OutputUtilities.GetIsKnownAsync(result), Is.False);
        Assert.That(ran, Is.False);
    }

    [Test]
    public async Task A_secret_stays_secret_through_apply_all_tuple_and_format()
    {
        var secret = Output.CreateSecret("hunter2");
        var plain = Output.Create("user");
        Assert.That(await Output.IsSecretAsync(secret.Apply(s => s.Length)), Is.True);
        Assert.That(await Output.IsSecretAsync(Output.All(plain, secret)), Is.True);
        Assert.That(await Output.IsSecretAsync(Output.Tuple(plain, secret)), Is.True);
        Assert.That(await Output.IsSecretAsync(Output.Format($"{plain}:{secret}")), Is.True);
        Assert.That(await Output.IsSecretAsync(Output.Format($"{plain}!")), Is.False);
        Assert.That(await Output.IsSecretAsync(Output.Unsecret(secret)), Is.False);
    }

    [Test]
    public async Task A_secret_returned_from_apply_makes_the_result_secret()
    {
        var result = Output.Create(1).Apply(_ => Output.CreateSecret("s"));
        Assert.That(await Output.IsSecretAsync(result), Is.True);
    }

    [Test]
    public async Task All_and_tuple_are_unknown_when_any_part_is()
    {
        var known = Output.Create(1);
        var unknown = OutputUtilities.CreateUnknown(2);
        Assert.That(await OutputUtilities.GetIsKnownAsync(Output.All(known, unknown)), Is.False);
        Assert.That(await OutputUtilities.GetIsKnownAsync(Output.Tuple(known, unknown)), Is.False);
        Assert.That(await OutputUtilities.GetValueAsync(Output.All(known, Output.Create(3))), Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public async Task Format_uses_the_invariant_culture_and_mixes_inputs_outputs_and_plain_values()
    {
        Input<string> input = "in";
        var text = Output.Format($"{Output.Create(1.5)}-{input}-{7}");
        Assert.That(await OutputUtilities.GetValueAsync(text), Is.EqualTo("1.5-in-7"));
    }

    [Test]
    public async Task JsonSerialize_resolves_nested_outputs_and_keeps_their_secrecy()
    {
        var document = Output.Create(new Dictionary<string, object> { ["user"] = "u", ["password"] = Output.CreateSecret("p") });
        var json = Output.JsonSerialize(document);
        Assert.That(await OutputUtilities.GetValueAsync(json), Is.EqualTo("{\"user\":\"u\",\"password\":\"p\"}"));
        Assert.That(await Output.IsSecretAsync(json), Is.True);
    }

    [Test]
    public async Task InputList_accepts_the_real_sdks_conversions_and_concatenates()
    {
        InputList<string> list = new[] { "a" };
        list.Add(Output.Create("b"), "c");
        list.AddRange(new List<string> { "d" });
        InputList<string> fromOutput = Output.Create(ImmutableArray.Create("x"));
        var all = (Output<ImmutableArray<string>>)list.Concat(fromOutput);
        Assert.That(await OutputUtilities.GetValueAsync(all), Is.EqualTo(new[] { "a", "b", "c", "d", "x" }));
    }

    [Test]
    public async Task InputMap_merge_lets_the_second_win_and_a_conflicting_add_fails_on_resolve()
    {
        var first = new InputMap<string> { { "a", "1" }, { "b", "2" } };
        var second = new InputMap<string> { { "b", "3" } };
        var merged = (Output<ImmutableDictionary<string, string>>)InputMap<string>.Merge(first, second);
        Assert.That((await OutputUtilities.GetValueAsync(merged))["b"], Is.EqualTo("3"));

        var conflicting = new InputMap<string> { { "a", "1" } };
        conflicting.Add("a", "2");
        Assert.ThrowsAsync<ArgumentException>(() => OutputUtilities.GetValueAsync((Output<ImmutableDictionary<string, string>>)conflicting));
    }

    [Test]
    public async Task InputUnion_takes_either_side()
    {
        InputUnion<string, ShapeArgs> text = "json";
        InputUnion<string, ShapeArgs> shape = new ShapeArgs { Sides = 3 };
        var first = await OutputUtilities.GetValueAsync((Output<Union<string, ShapeArgs>>)text);
        var second = await OutputUtilities.GetValueAsync((Output<Union<string, ShapeArgs>>)shape);
        Assert.That((first.IsT0, first.AsT0), Is.EqualTo((true, "json")));
        Assert.That(second.IsT1, Is.True);
    }

    [Test]
    public void ToString_never_reveals_the_value()
    {
        Assert.That(Output.Create("secret-value").ToString(), Does.Not.Contain("secret-value"));
    }
}
