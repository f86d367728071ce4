global using Infra.Harness;
global using NUnit.Framework;
global using Infra.Plan.Mocks;
