using CabinetOps.Server.Features.DoorSessions;
using S = CabinetOps.Server.Features.DoorSessions.DoorSessionStatus;

namespace CabinetOps.UnitTests.Features.DoorSessions;

public sealed class DoorSessionStateRules
{
    [Theory]
    [InlineData(S.Created, S.Opening)]
    [InlineData(S.Created, S.Failed)]
    [InlineData(S.Opening, S.Opened)]
    [InlineData(S.Opening, S.Closed)] // "opened" lost or late: the close still counts
    [InlineData(S.Opening, S.Failed)]
    [InlineData(S.Opening, S.Expired)]
    [InlineData(S.Opened, S.Closed)]
    [InlineData(S.Opened, S.Expired)]
    [InlineData(S.Closed, S.Settled)]
    public void ForwardMovesAreAllowed(S from, S to) => Assert.True(DoorSessionRules.CanMove(from, to));

    [Theory]
    [InlineData(S.Opened, S.Opening)] // a late replay of the open answer
    [InlineData(S.Closed, S.Opened)] // door.opened arriving after door.closed
    [InlineData(S.Opened, S.Failed)] // open_failed means the door stayed shut: not after it opened
    [InlineData(S.Closed, S.Failed)]
    [InlineData(S.Created, S.Settled)]
    [InlineData(S.Opening, S.Created)]
    [InlineData(S.Failed, S.Opening)]
    [InlineData(S.Expired, S.Opened)]
    [InlineData(S.Settled, S.Closed)]
    public void BackwardOrSkippingMovesAreRefused(S from, S to) => Assert.False(DoorSessionRules.CanMove(from, to));

    [Fact]
    public void TerminalStatesNeverMoveAndOnlyTheFirstThreeHoldTheDevice()
    {
        foreach (var terminal in new[] { S.Settled, S.Failed, S.Expired })
            Assert.All(Enum.GetValues<S>(), to => Assert.False(DoorSessionRules.CanMove(terminal, to)));
        Assert.Equal([S.Created, S.Opening, S.Opened], Enum.GetValues<S>().Where(DoorSessionRules.IsActive));
        // The database's unique indexes are filtered on status < 3: they must agree with IsActive.
        Assert.All(Enum.GetValues<S>(), s => Assert.Equal(DoorSessionRules.IsActive(s), (int)s < 3));
    }

    [Fact]
    public void EveryStateHasAChineseLabel() =>
        Assert.All(Enum.GetValues<S>(), s => Assert.DoesNotContain(s.ToString(), s.Label()));
}
