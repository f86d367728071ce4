global using Infra.Harness;
global using NUnit.Framework;
global using Infra.Plan.Mocks;

// Fixtures run side by side (one per core): runs that set the stack config take turns (StackConfig), the rest share nothing.
[assembly: Parallelizable(ParallelScope.Fixtures)]
