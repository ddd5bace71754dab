namespace ConsentGateway.Core.Projection;

/// <summary>Told by the projector, in process, of each row it has written (after the write, before the notice is done).</summary>
public interface IProjectedChangeObserver
{
    void OnProjected(in ProjectedChange change);
}
