global using Infra.Harness;
global using NUnit.Framework;
