namespace Huilian.Storage;

/// <summary>Stored data that cannot be what this node wrote: a damaged file, a tampered row, a foreign database.</summary>
public sealed class StorageCorruptionException(string message) : Exception(message);
