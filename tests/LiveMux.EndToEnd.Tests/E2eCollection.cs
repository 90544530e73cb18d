namespace LiveMux.EndToEnd.Tests;

/// <summary>End-to-end tests run one at a time: each starts real servers, and the machine has two cores.</summary>
[CollectionDefinition("e2e", DisableParallelization = true)]
public sealed class E2eCollection;
