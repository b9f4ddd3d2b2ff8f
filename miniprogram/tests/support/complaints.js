// Complaints as the server answers them (docs/integrations/miniprogram-complaints.md), for unit
// tests. detail() is a complaint staff are working on, with two photos and a staff reply; the
// overrides make the other states.
const TYPE_LABELS = { Undercharged: '少扣', Overcharged: '多扣', Product: '商品问题', Device: '设备问题', Other: '其他' }
const STATUS_LABELS = { Pending: '待处理', Processing: '处理中', Resolved: '已解决', Rejected: '已驳回' }

const photo = (id) => ({ photoId: id, url: '/api/mp/complaints/photos/' + id + '?exp=1795572000&sig=abc' })

function detail(overrides) {
  const d = Object.assign(
    {
      complaintNo: 'TS20261207110000123456',
      orderNo: 'OD20261125113001123456',
      type: 'Overcharged',
      status: 'Processing',
      description: '只拿了一瓶可乐，扣了两瓶的钱',
      photos: [photo('p_a1'), photo('p_b2')],
      createdAt: '2026-12-07T03:00:00Z',
      deadline: '2026-12-08T03:00:00Z',
      resolvedAt: null,
      resolution: null,
      replies: [{ from: 'Staff', text: '您好，已核实，正在为您处理', at: '2026-12-07T04:00:00Z' }],
    },
    overrides,
  )
  return Object.assign(d, { typeLabel: TYPE_LABELS[d.type], statusLabel: STATUS_LABELS[d.status] })
}

// Rejected with the staff's reason.
const REJECTED = {
  status: 'Rejected',
  resolvedAt: '2026-12-07T05:00:00Z',
  resolution: '经核实扣款金额无误',
}

// The list row of a detail.
function summary(d) {
  return {
    complaintNo: d.complaintNo,
    orderNo: d.orderNo,
    type: d.type,
    typeLabel: d.typeLabel,
    status: d.status,
    statusLabel: d.statusLabel,
    description: d.description,
    createdAt: d.createdAt,
    lastReplyAt: d.replies.length ? d.replies[d.replies.length - 1].at : null,
    replyCount: d.replies.length,
  }
}

module.exports = { TYPE_LABELS, STATUS_LABELS, photo, detail, summary, REJECTED }
