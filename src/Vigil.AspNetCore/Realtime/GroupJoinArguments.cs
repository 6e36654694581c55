using Microsoft.AspNetCore.SignalR;

namespace Vigil.AspNetCore.Realtime;

/// <summary>The arguments of <see cref="VigilRealtimeOptions.AuthorizeGroupJoin"/>.</summary>
public readonly struct GroupJoinArguments
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="context">The calling connection.</param>
    /// <param name="group">The group it asks to join.</param>
    public GroupJoinArguments(HubCallerContext context, string group)
    {
        Context = context;
        Group = group;
    }

    /// <summary>The calling connection: its user, its HTTP context (<c>Context.GetHttpContext()</c>), its id.</summary>
    public HubCallerContext Context { get; }

    /// <summary>The group it asks to join.</summary>
    public string Group { get; }
}
