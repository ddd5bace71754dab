using System.Diagnostics;
using System.Reflection;

namespace ConsentGateway.Http.Tests;

/// <summary>
/// A fact about what the shipped (Release) build allocates: a Debug build of the code under test
/// keeps async state machines on the heap and is not optimized, so there it is skipped, saying why.
/// </summary>
public sealed class OptimizedBuildFactAttribute : FactAttribute
{
    public OptimizedBuildFactAttribute()
    {
        if (typeof(EvaluationEndpoints).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
        {
            Skip = "Allocation figures hold for an optimized build: run with -c Release (test.sh does).";
        }
    }
}
