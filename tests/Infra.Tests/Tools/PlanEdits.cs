using System.Text.Json.Nodes;
using Infra.Plan;

namespace Infra.Tests.Tools;

/// <summary>A planned graph with one defect put in, for the rule tests.</summary>
internal static class PlanEdits
{
    /// <summary>Changes the inputs of one resource; names repeat across types (the tier "web" is a component, a
    /// launch template and a group), so the type says which.</summary>
    public static PlanDocument Edit(PlanDocument plan, string type, string name, Action<JsonObject> edit) => plan with
    {
        Resources = [.. plan.Resources.Select(resource =>
        {
            if (resource.Type != type || resource.Name != name)
                return resource;
            var inputs = resource.Inputs.DeepClone().AsObject();
            edit(inputs);
            return resource with { Inputs = inputs };
        })],
    };

    /// <summary>The plan without every resource of that name.</summary>
    public static PlanDocument WithoutNamed(PlanDocument plan, string name) =>
        plan with { Resources = [.. plan.Resources.Where(resource => resource.Name != name)] };

    /// <summary>The plan without the resources of a type (only the one of that name when given).</summary>
    public static PlanDocument WithoutType(PlanDocument plan, string type, string? name = null) =>
        plan with { Resources = [.. plan.Resources.Where(resource => resource.Type != type || name is not null && resource.Name != name)] };
}
