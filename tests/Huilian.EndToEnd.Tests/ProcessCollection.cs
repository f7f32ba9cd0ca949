namespace Huilian.EndToEnd.Tests;

/// <summary>Tests that start node processes run one at a time: the machine has two cores.</summary>
[CollectionDefinition("processes", DisableParallelization = true)]
public sealed class ProcessCollection;
