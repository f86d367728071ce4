using Infra.Stacks;
using Pulumi;

return await Deployment.RunAsync(() => WebStack.RunAsync());
