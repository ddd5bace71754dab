namespace ConsentGateway.Core.Effects;

/// <summary>A data item of a partnership and its label for people (English).</summary>
public sealed record EffectDataItem(string Id, string Label);
