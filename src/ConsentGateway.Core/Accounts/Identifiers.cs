using ConsentGateway.Contracts;

namespace ConsentGateway.Core.Accounts;

/// <summary>The checks of user and device ids (<see cref="SubjectIds"/>) as the use cases report them.</summary>
public static class Identifiers
{
    public static Failure? CheckUserId(string? userId) =>
        SubjectIds.IsValid(userId) ? null : Failure.Invalid(ProblemCodes.InvalidUserId, $"A user id is {SubjectIds.Rule}.");

    public static Failure? CheckDeviceId(string? adId) =>
        SubjectIds.IsValid(adId) ? null : Failure.Invalid(ProblemCodes.InvalidDeviceId, $"A device advertising id is {SubjectIds.Rule}.");
}
