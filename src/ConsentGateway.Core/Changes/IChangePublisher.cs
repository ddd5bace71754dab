namespace ConsentGateway.Core.Changes;

/// <summary>Sends change notices to the projector: Service Bus in Azure, an in-process queue on the self-host.</summary>
public interface IChangePublisher
{
    Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken);
}
