using Infra.Configuration;
using Infra.Stacks;
using Pulumi;

// A stack file with infra:global is the site's shared name over regional stacks; any other is one region's web tier.
return await Deployment.RunAsync(() => GlobalSettings.IsGlobal(ConfigSource.FromEngine().Values) ? GlobalStack.RunAsync() : WebStack.RunAsync());
