namespace ConsentGateway.Core.Policy;

/// <summary>A policy document as read from its source, with the tag (a content hash, an ETag) that names this content.</summary>
public sealed record PolicySnapshot(string Tag, ReadOnlyMemory<byte> Content);
